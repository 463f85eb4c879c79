import Foundation
import XCTest

/// The root command: its help, and how it reports command lines it cannot
/// parse.
final class MNISTNCETests: CommandTestCase {
    func testHelpListsSubcommandsAndExitStatuses() throws {
        for arguments in [["--help"], ["-h"], ["help"]] {
            let result = try mnistNCE(arguments)
            assertSuccess(result)
            XCTAssertEqual(result.stderr, "", "\(arguments)")
            let help = result.stdout.collapsingWhitespace
            for text in [
                "train", "eval", "runs", "data", "Exit statuses: 0 success, 1 training diverged, 64 usage error "
                    + "(including a configuration too large for the memory available), 65 malformed data or checkpoint, 66 missing input file, 73 cannot create the output, 74 I/O error (a full disk included), "
                    + "130 and 143 training stopped by SIGINT (Ctrl-C) or SIGTERM after writing its checkpoint (129 for SIGHUP).",
            ] {
                XCTAssertTrue(help.contains(text), "\(arguments) does not mention \(text): \(result.stdout)")
            }
        }
    }

    func testAnUnknownInstructionSetCapIsAUsageErrorNamingTheVariable() throws {
        for variable in ["MNIST_NCE_CONV_ISA", "MNIST_NCE_SPARSE_ISA"] {
            let result = try mnistNCE(["runs", scratch], environment: [variable: "sse9"])
            assertFailure(result, status: 64, mentioning: [variable, "avx512, avx2 or portable", "\"sse9\""])
            assertSuccess(try mnistNCE(["runs", scratch], environment: [variable: "avx2"]))
        }
    }

    func testNoArgumentsPrintsHelpAndSucceeds() throws {
        let result = try mnistNCE([])
        assertSuccess(result)
        XCTAssertTrue(result.stdout.contains("SUBCOMMANDS"), result.stdout)
    }

    func testUnknownSubcommandIsAUsageError() throws {
        assertFailure(try mnistNCE(["fit"]), status: 64, mentioning: ["fit"])
    }

    func testUnknownOptionIsAUsageErrorNamingIt() throws {
        for command in ["train", "eval", "runs", "data"] {
            assertFailure(try mnistNCE([command, "--frobnicate"]), status: 64, mentioning: ["--frobnicate"])
        }
    }

    func testNonNumericValueIsAUsageErrorNamingOptionAndValue() throws {
        assertFailure(try mnistNCE(["train", "--epochs", "many"]), status: 64, mentioning: ["--epochs", "many"])
        assertFailure(try mnistNCE(["eval", "--threads", "two"]), status: 64, mentioning: ["--threads", "two"])
    }

    func testMissingValueIsAUsageErrorNamingTheOption() throws {
        assertFailure(try mnistNCE(["train", "--batch-size"]), status: 64, mentioning: ["--batch-size"])
    }
}
