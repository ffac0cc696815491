import Foundation
import LedgerCore

/// RFC 8785 canonicalization of producer JSON, differentially: the streaming canonicalizer and
/// the tree path (parse, then encode) must agree on every input they both accept, reject the
/// same inputs, and canonical output must be a fixed point. Then change-record parsing.
func fuzz(_ input: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data = input else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let streamed = Result { () throws(LedgerCoreError) in try CanonicalJSON.canonicalize(bytes) }
    let tree = Result { () throws(LedgerCoreError) in CanonicalJSON.encode(try JSONParser.parse(bytes)) }
    switch (streamed, tree) {
    case (.success(let a), .success(let b)):
        precondition(a == b, "the canonicalizer and the tree path disagree")
        precondition((try? CanonicalJSON.canonicalize(a)) == a, "canonical output is not a fixed point")
    case (.failure, .failure):
        // Both refuse. Their codes may differ when an input has several faults: the tree path
        // reports a duplicate key where it reads it, the canonicalizer when it closes the
        // object, so an invalid byte in between is found first by one and second by the other
        // (the unit tests check equal codes for inputs with one fault).
        break
    default:
        preconditionFailure("one path accepts what the other rejects")
    }
    if let record = try? ChangeRecord(parsing: bytes, province: "440000") {
        precondition((try? ChangeRecord(canonicalEntry: record.canonicalBytes, province: "440000")) == record)
    }
    return 0
}

// libFuzzer's driver, called from this executable's own main (SwiftPM names every executable's
// entry point itself, so the runtime's main cannot be used).
@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
               _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(runDriver(&argc, &argv, fuzz))
