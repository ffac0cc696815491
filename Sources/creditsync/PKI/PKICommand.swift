import ArgumentParser
import CommandSupport
import Foundation
import LedgerCore
import PKI
import SwiftASN1
import X509

struct PKICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pki",
        abstract: "A private CA for CreditSync's mutual TLS (no shell scripts; see ops/pki.md for your own PKI).",
        subcommands: [InitCA.self, Issue.self, Serial.self]
    )

    struct InitCA: OperatorCommand {
        static let configuration = CommandConfiguration(commandName: "init-ca", abstract: "Create a CA: DIR/ca.pem and DIR/ca-key.pem (0600).")

        @Option(help: "Directory for the CA's files.")
        var out: String

        @Option(help: "The CA's common name.")
        var name: String = "CreditSync Root CA"

        func execute() async throws {
            let ca = try CertificateAuthority.create(in: URL(fileURLWithPath: out), name: name)
            Output.line("created CA \(ca.certificate.subject) in \(out)")
        }
    }

    struct Issue: OperatorCommand {
        static let configuration = CommandConfiguration(
            commandName: "issue",
            abstract: "Issue a province client certificate or HQ's server certificate: DIR/cert.pem, DIR/key.pem (0600), DIR/ca.pem."
        )

        @Option(help: "The CA directory (from init-ca).")
        var ca: String

        @Option(help: "Issue a client certificate bound to this province code (SAN URI creditsync:province:<code>).")
        var province: String?

        @Option(help: "Issue HQ's server certificate for this host name or IP address (repeat for more names).")
        var hq: [String] = []

        @Option(help: "Directory for the certificate and key.")
        var out: String

        @Option(help: "Validity in days.")
        var days: Int = 825

        func validate() throws {
            guard (province == nil) != hq.isEmpty else {
                throw ValidationError("pass exactly one of --province CODE or --hq HOSTNAME")
            }
        }

        func execute() async throws {
            let authority = try CertificateAuthority.load(from: URL(fileURLWithPath: ca))
            let subject: CertificateAuthority.Subject
            if let province {
                subject = .province(try ProvinceCode(province).rawValue)
            } else {
                subject = .hq(hq)
            }
            let certificate = try authority.issue(subject, to: URL(fileURLWithPath: out), validityDays: days)
            Output.line("issued \(certificate.subject) (serial \(ProvinceIdentity.serial(of: certificate))) to \(out)")
        }
    }

    struct Serial: OperatorCommand {
        static let configuration = CommandConfiguration(
            commandName: "serial",
            abstract: "Print a certificate's serial number as `hq revoke --serial` takes it."
        )

        @Option(help: "A certificate (PEM).")
        var cert: String

        func execute() async throws {
            let text: String
            do {
                text = try String(contentsOfFile: cert, encoding: .utf8)
            } catch {
                throw PKIError(.unreadable, "cannot read \(cert)", hint: "check the path")
            }
            let certificate: Certificate
            do {
                certificate = try Certificate(pemEncoded: text)
            } catch {
                throw PKIError(.invalid, "\(cert) is not a PEM certificate: \(error)", hint: "pass the cert.pem `creditsync pki issue` wrote")
            }
            Output.line(ProvinceIdentity.serial(of: certificate))
        }
    }
}
