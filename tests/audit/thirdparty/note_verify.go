// Command note_verify checks the ledger's signed checkpoints and Merkle proofs with Go's own
// golang.org/x/mod/sumdb packages, an implementation the project shares nothing with, for
// tests/audit/test_third_party_note.py. Built with GO111MODULE=off against Debian's
// golang-golang-x-mod-dev (GOPATH=/usr/share/gocode): nothing is fetched.
//
//	note_verify open VKEY < note          prints the verified text, or fails
//	note_verify sign SKEY < text          prints the signed note
//	note_verify generate NAME             prints a private key line, then its verifier key line
//	note_verify inclusion SIZE INDEX ROOT LEAF_HASH [PROOF...]        (hashes in base64)
//	note_verify consistency OLD_SIZE OLD_ROOT NEW_SIZE NEW_ROOT [PROOF...]
//
// Exit status 0 when the check holds, 1 when it does not (the reason on stderr), 2 on misuse.
package main

import (
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"strconv"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

func main() {
	if len(os.Args) < 3 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "open":
		err = open(os.Args[2])
	case "sign":
		err = sign(os.Args[2])
	case "generate":
		err = generate(os.Args[2])
	case "inclusion":
		err = inclusion(os.Args[2:])
	case "consistency":
		err = consistency(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "note_verify:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: note_verify open VKEY | sign SKEY | generate NAME | "+
		"inclusion SIZE INDEX ROOT LEAF [PROOF...] | consistency OLD_SIZE OLD_ROOT NEW_SIZE NEW_ROOT [PROOF...]")
	os.Exit(2)
}

func open(vkey string) error {
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		return fmt.Errorf("verifier key: %w", err)
	}
	msg, err := io.ReadAll(os.Stdin)
	if err != nil {
		return err
	}
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		return err
	}
	_, err = os.Stdout.WriteString(n.Text)
	return err
}

func sign(skey string) error {
	signer, err := note.NewSigner(skey)
	if err != nil {
		return fmt.Errorf("signer key: %w", err)
	}
	text, err := io.ReadAll(os.Stdin)
	if err != nil {
		return err
	}
	msg, err := note.Sign(&note.Note{Text: string(text)}, signer)
	if err != nil {
		return err
	}
	_, err = os.Stdout.Write(msg)
	return err
}

func generate(name string) error {
	skey, vkey, err := note.GenerateKey(rand.Reader, name)
	if err != nil {
		return err
	}
	_, err = fmt.Printf("%s\n%s\n", skey, vkey)
	return err
}

func inclusion(args []string) error {
	if len(args) < 4 {
		usage()
	}
	size, err1 := strconv.ParseInt(args[0], 10, 64)
	index, err2 := strconv.ParseInt(args[1], 10, 64)
	root, err3 := tlog.ParseHash(args[2])
	leaf, err4 := tlog.ParseHash(args[3])
	proof, err5 := hashes(args[4:])
	if err := first(err1, err2, err3, err4, err5); err != nil {
		return err
	}
	return tlog.CheckRecord(tlog.RecordProof(proof), size, root, index, leaf)
}

func consistency(args []string) error {
	if len(args) < 4 {
		usage()
	}
	oldSize, err1 := strconv.ParseInt(args[0], 10, 64)
	oldRoot, err2 := tlog.ParseHash(args[1])
	newSize, err3 := strconv.ParseInt(args[2], 10, 64)
	newRoot, err4 := tlog.ParseHash(args[3])
	proof, err5 := hashes(args[4:])
	if err := first(err1, err2, err3, err4, err5); err != nil {
		return err
	}
	return tlog.CheckTree(tlog.TreeProof(proof), newSize, newRoot, oldSize, oldRoot)
}

func hashes(args []string) ([]tlog.Hash, error) {
	list := make([]tlog.Hash, 0, len(args))
	for _, arg := range args {
		h, err := tlog.ParseHash(arg)
		if err != nil {
			return nil, err
		}
		list = append(list, h)
	}
	return list, nil
}

func first(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
