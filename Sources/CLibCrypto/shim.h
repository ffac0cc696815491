// The parts of the system OpenSSL 3 (libcrypto) that NationalCrypto uses for SM2 and SM3.
#ifndef CREDITSYNC_CLIBCRYPTO_SHIM_H
#define CREDITSYNC_CLIBCRYPTO_SHIM_H
#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/ec.h>
#include <openssl/bn.h>
#include <openssl/x509.h>
#endif
