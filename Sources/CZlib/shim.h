// System zlib, for gzip request bodies (NIOHTTPCompression keeps its inflater internal).
#ifndef CREDITSYNC_CZLIB_SHIM_H
#define CREDITSYNC_CZLIB_SHIM_H
#include <zlib.h>
#endif
