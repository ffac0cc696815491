// Checks CreditSync's default-suite outputs with Go's golang.org/x/mod/sumdb/note and
// sumdb/tlog, code nobody on this project wrote (Protocol/formats.md §7). Run by the Swift
// test suite (CLITests, "Go interop") in GOPATH mode against Debian's golang-golang-x-mod-dev:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go run interop.go KEY NEW OLD INCLUSION ENTRY INDEX CONSISTENCY
//
// KEY is the log's verifier key string; NEW and OLD are signed checkpoint files; INCLUSION is
// the inclusion proof JSON of entry INDEX (its bytes in ENTRY) in NEW; CONSISTENCY is the
// consistency proof JSON from OLD to NEW. Exits 0 when everything verifies, 1 naming the
// first thing that does not.
package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type inclusion struct {
	Hashes    []string `json:"hashes"`
	LeafHash  string   `json:"leaf_hash"`
	LeafIndex int64    `json:"leaf_index"`
	TreeSize  int64    `json:"tree_size"`
}

type consistency struct {
	Hashes  []string `json:"hashes"`
	OldSize int64    `json:"old_size"`
	NewSize int64    `json:"new_size"`
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "interop: "+format+"\n", args...)
	os.Exit(1)
}

func read(path string) []byte {
	data, err := os.ReadFile(path)
	if err != nil {
		fail("%v", err)
	}
	return data
}

// checkpoint opens a signed checkpoint with note.Open and returns its size and root.
func checkpoint(path string, verifiers note.Verifiers) (int64, tlog.Hash) {
	n, err := note.Open(read(path), verifiers)
	if err != nil {
		fail("note.Open(%s): %v", path, err)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 {
		fail("%s: not a checkpoint", path)
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		fail("%s: size: %v", path, err)
	}
	return size, hash(lines[2])
}

func hash(text string) tlog.Hash {
	raw, err := base64.StdEncoding.DecodeString(text)
	if err != nil || len(raw) != tlog.HashSize {
		fail("not a base64 hash: %q", text)
	}
	var h tlog.Hash
	copy(h[:], raw)
	return h
}

func hashes(texts []string) []tlog.Hash {
	out := make([]tlog.Hash, len(texts))
	for i, text := range texts {
		out[i] = hash(text)
	}
	return out
}

func main() {
	if len(os.Args) != 8 {
		fail("usage: interop KEY NEW OLD INCLUSION ENTRY INDEX CONSISTENCY")
	}
	verifier, err := note.NewVerifier(strings.TrimSpace(os.Args[1]))
	if err != nil {
		fail("note.NewVerifier: %v", err)
	}
	verifiers := note.VerifierList(verifier)
	newSize, newRoot := checkpoint(os.Args[2], verifiers)
	oldSize, oldRoot := checkpoint(os.Args[3], verifiers)

	var inc inclusion
	if err := json.Unmarshal(read(os.Args[4]), &inc); err != nil {
		fail("inclusion proof: %v", err)
	}
	index, _ := strconv.ParseInt(os.Args[6], 10, 64)
	entry := read(os.Args[5])
	if inc.LeafIndex != index || inc.TreeSize != newSize {
		fail("the inclusion proof is for entry %d of %d, not %d of %d", inc.LeafIndex, inc.TreeSize, index, newSize)
	}
	if tlog.RecordHash(entry) != hash(inc.LeafHash) {
		fail("tlog.RecordHash(entry) is not the proof's leaf hash")
	}
	if err := tlog.CheckRecord(hashes(inc.Hashes), newSize, newRoot, index, tlog.RecordHash(entry)); err != nil {
		fail("tlog.CheckRecord: %v", err)
	}

	var con consistency
	if err := json.Unmarshal(read(os.Args[7]), &con); err != nil {
		fail("consistency proof: %v", err)
	}
	if con.OldSize != oldSize || con.NewSize != newSize {
		fail("the consistency proof is from %d to %d, not %d to %d", con.OldSize, con.NewSize, oldSize, newSize)
	}
	if err := tlog.CheckTree(hashes(con.Hashes), newSize, newRoot, oldSize, oldRoot); err != nil {
		fail("tlog.CheckTree: %v", err)
	}
	fmt.Println("ok: note.Open, tlog.CheckRecord and tlog.CheckTree accept the checkpoints and proofs")
}
