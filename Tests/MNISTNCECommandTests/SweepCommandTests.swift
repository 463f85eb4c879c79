import Foundation
import SafeTensors
import XCTest

/// `mnist-nce sweep` and `mnist-nce report`: the lists' usage errors, a
/// whole sweep checked against `eval`, its plots, resuming, refusing
/// another sweep's folder, `--list` and the report of runs made elsewhere.
final class SweepCommandTests: CommandTestCase {
    /// A small sweep's recipe: a 16-unit hidden layer, 2 epochs of batch 32
    /// on one thread, 100 validation images.
    func sweepOptions(_ data: SyntheticMNIST) -> [String] {
        ["--data-dir", data.folder, "--validation-size", "100", "--hidden", "16", "--epochs", "2", "--threads", "1"]
    }

    /// NCE at 1 and 3 and softmax, seeds 1 and 2: six runs.
    func runSweep(_ data: SyntheticMNIST, into folder: String, _ extra: [String] = []) throws -> CommandResult {
        let result = try mnistNCE(
            ["sweep", "--num-sampled", "1,3", "--softmax", "--seeds", "1,2", "--output-dir", folder]
                + sweepOptions(data) + extra, timeout: 120)
        assertSuccess(result)
        return result
    }

    // MARK: Usage errors

    func testBadListsAreUsageErrors() throws {
        let cases: [(arguments: [String], mentions: [String])] = [
            (["--num-sampled", "0,3"], ["--num-sampled", "0"]),
            (["--num-sampled", "x"], ["--num-sampled", "\"x\""]),
            (["--num-sampled", "1,x,3"], ["--num-sampled", "\"x\""]),
            (["--num-sampled", "1,1"], ["--num-sampled", "1 twice"]),
            (["--num-sampled", "11"], ["--num-sampled", "11", "10"]),
            (["--num-sampled", "-2"], ["--num-sampled"]),
            (["--softmax", "--seeds", ""], ["--seeds", "empty"]),
            (["--softmax", "--seeds", "1,,2"], ["--seeds"]),
            (["--softmax", "--seeds", "-1"], ["--seeds", "-1"]),
            ([], ["at least one configuration", "--num-sampled", "--softmax"]),
            (["--sampled-softmax"], ["--sampled-softmax", "--num-sampled"]),
            (["--softmax", "--epochs", "0"], ["--epochs", "0"]),
            (["--softmax", "--loss", "nce"], ["--loss"]),
        ]
        for (arguments, mentions) in cases {
            let result = try mnistNCE(["sweep"] + arguments + ["--output-dir", scratchPath("sweep")])
            assertFailure(result, status: 64, mentioning: mentions)
        }
        let noFolder = try mnistNCE(["sweep", "--softmax"])
        assertFailure(noFolder, status: 64, mentioning: ["--output-dir"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: scratch), [], "a usage error wrote files")
    }

    // MARK: A whole sweep

    /// Every row of results.csv holds what `eval` reports for its
    /// checkpoint; the summary, plots and page hold every configuration.
    func testSweepResultsMatchEvalAndThePlotsHoldEveryRun() throws {
        let data = try makeDataSet(trainCount: 400, testCount: 100)
        let folder = scratchPath("sweep")
        let result = try runSweep(data, into: folder)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let expectedRuns = [
            "run 1/6: nce num_sampled 1, seed 1", "run 2/6: nce num_sampled 3, seed 1", "run 3/6: softmax, seed 1",
            "run 4/6: nce num_sampled 1, seed 2", "run 5/6: nce num_sampled 3, seed 2", "run 6/6: softmax, seed 2",
        ]
        for run in expectedRuns {
            XCTAssertEqual(lines.filter { $0.hasPrefix(run) }.count, 1, "no line \(run): \(result.stdout)")
        }
        XCTAssertTrue(lines.contains { $0.hasPrefix("run 2/6") && $0.contains("sweep ETA") }, result.stdout)
        XCTAssertFalse(lines.contains { $0.hasPrefix("run 1/6") && $0.contains("ETA") }, "an ETA before any run ended")
        XCTAssertEqual(result.stderr, "", "stderr is not a terminal, so no live line")

        let rows = try csvRows(folder + "/results.csv")
        XCTAssertEqual(rows.count, 6)
        for column in [
            "model", "loss", "num_sampled", "seed", "test_accuracy", "validation_accuracy", "nll", "ece",
            "log_partition_mean", "log_partition_sd", "train_s", "images_per_s", "checkpoint",
        ] {
            XCTAssertNotNil(rows.first?[column], "results.csv has no column \(column)")
        }
        XCTAssertEqual(Set(rows.map { "\($0["loss"]!)|\($0["num_sampled"]!)|\($0["seed"]!)" }), [
            "nce|1|1", "nce|3|1", "softmax||1", "nce|1|2", "nce|3|2", "softmax||2",
        ])
        for row in rows {
            let checkpoint = folder + "/" + row["checkpoint"]!
            XCTAssertTrue(row["checkpoint"]!.hasPrefix("runs/"), "checkpoint not relative to the folder: \(row)")
            let eval = try mnistNCE(["eval", "--checkpoint", checkpoint, "--json", "--threads", "1"])
            assertSuccess(eval)
            let report = try jsonObject(eval.stdout)
            for (column, key) in [
                ("test_accuracy", "accuracy"), ("nll", "nll"), ("ece", "ece"),
                ("log_partition_mean", "log_partition_mean"), ("log_partition_sd", "log_partition_sd"),
            ] {
                let csv = try XCTUnwrap(Double(row[column]!), "\(column) in \(row)")
                let evaluated = try XCTUnwrap(report[key] as? Double, "\(key) in \(report)")
                XCTAssertTrue(isClose(csv, evaluated, tolerance: 1e-12), "\(column): csv \(csv), eval \(evaluated) for \(checkpoint)")
            }
            let validation = try mnistNCE(["eval", "--checkpoint", checkpoint, "--json", "--split", "validation"])
            assertSuccess(validation)
            let validationAccuracy = try XCTUnwrap(try jsonObject(validation.stdout)["accuracy"] as? Double)
            XCTAssertTrue(isClose(Double(row["validation_accuracy"]!)!, validationAccuracy), "\(row)")
            XCTAssertGreaterThan(Double(row["train_s"]!) ?? 0, 0, "\(row)")
            XCTAssertGreaterThan(Double(row["images_per_s"]!) ?? 0, 0, "\(row)")
            XCTAssertEqual(row["epochs"], "2")
        }

        let summary = try String(contentsOfFile: folder + "/summary.md", encoding: .utf8)
        let tableRows = summary.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| ---") }
        XCTAssertEqual(tableRows.count, 4, "header and three configurations: \(summary)")
        for name in ["NCE, num_sampled 1 | 2 |", "NCE, num_sampled 3 | 2 |", "softmax | 2 |"] {
            XCTAssertTrue(summary.contains("| \(name)"), "summary.md has no row \(name): \(summary)")
        }

        let accuracy = try SVGElements.parse(file: folder + "/accuracy.svg")
        XCTAssertEqual(Set(accuracy.seriesIDs), ["series-mlp-nce", "series-mlp-softmax"])
        XCTAssertEqual(accuracy.count(in: "series-mlp-nce", "point", "mean"), 2)
        XCTAssertEqual(accuracy.count(in: "series-mlp-nce", "point", "seed"), 4)
        XCTAssertEqual(accuracy.count(in: "series-mlp-nce", "error-bar"), 2)
        XCTAssertEqual(accuracy.count(in: "series-mlp-softmax", "mean-line"), 1)
        XCTAssertEqual(accuracy.count(in: "series-mlp-softmax", "band"), 1)

        let curves = try SVGElements.parse(file: folder + "/curves.svg")
        XCTAssertEqual(curves.seriesIDs, ["curve-mlp-nce-s1", "curve-mlp-nce-s3", "curve-mlp-softmax"])
        for id in curves.seriesIDs {
            XCTAssertEqual(curves.count(in: id, "point", "validation"), 2, "two epochs in \(id)")
            XCTAssertEqual(curves.count(in: id, "point", "loss"), 2, "two epochs in \(id)")
        }

        let normalisation = try SVGElements.parse(file: folder + "/normalisation.svg")
        XCTAssertEqual(normalisation.seriesIDs, ["row-mlp-nce-s1", "row-mlp-nce-s3", "row-mlp-softmax"])
        for id in normalisation.seriesIDs {
            XCTAssertEqual(normalisation.count(in: id, "point", "mean", "logz"), 1, id)
            XCTAssertEqual(normalisation.count(in: id, "point", "seed", "logz"), 2, id)
            XCTAssertEqual(normalisation.count(in: id, "point", "mean", "ece"), 1, id)
            XCTAssertEqual(normalisation.count(in: id, "point", "seed", "ece"), 2, id)
        }

        let page = try String(contentsOfFile: folder + "/report.html", encoding: .utf8)
        XCTAssertEqual(page.components(separatedBy: "<svg ").count - 1, 3, "three inline plots")
        for outside in ["<script", " src=", " href=", "<link", "url("] {
            XCTAssertFalse(page.contains(outside), "report.html refers outside itself: \(outside)")
        }
        for text in ["sweep --num-sampled 1,3 --softmax --seeds 1,2", "CPU", "cores", "ISA", "0.", "NCE, num_sampled 3"] {
            XCTAssertTrue(page.contains(text), "report.html does not mention \(text)")
        }
    }

    // MARK: Resuming

    /// A rerun skips finished runs and leaves their files alone, trains a
    /// deleted run and an unfinished one again (to the same bytes: runs are
    /// repeatable), and says what it skipped.
    func testRerunSkipsFinishedRunsAndRedoesDeletedAndUnfinishedOnes() throws {
        let data = try makeDataSet(trainCount: 300, testCount: 50)
        let folder = scratchPath("sweep")
        _ = try runSweep(data, into: folder)
        let runs = folder + "/runs/"
        let names = ["nce-s1-seed1", "nce-s3-seed1", "softmax-seed1", "nce-s1-seed2", "nce-s3-seed2", "softmax-seed2"]
        var before: [String: [UInt8]] = [:]
        var dates: [String: Date] = [:]
        for name in names {
            before[name] = try contents(runs + name + ".safetensors")
            dates[name] = try FileManager.default.attributesOfItem(atPath: runs + name + ".safetensors")[.modificationDate] as? Date
        }
        try FileManager.default.removeItem(atPath: runs + "nce-s3-seed2.safetensors")
        try markUnfinished(runs + "softmax-seed1.safetensors", epoch: 1)
        // A temporary file left by a write that was killed.
        let leftover = runs + ".nce-s3-seed2.safetensors.tmp-\(try deadProcessID())-AbC123"
        FileManager.default.createFile(atPath: leftover, contents: Data([1, 2]))

        let rerun = try runSweep(data, into: folder)
        let lines = rerun.stdout.split(separator: "\n").map(String.init)
        for skipped in ["run 1/6: nce num_sampled 1, seed 1", "run 2/6: nce num_sampled 3, seed 1",
                        "run 4/6: nce num_sampled 1, seed 2", "run 6/6: softmax, seed 2"] {
            XCTAssertTrue(lines.contains { $0.hasPrefix(skipped) && $0.hasSuffix("skipped") }, "\(skipped) not skipped: \(rerun.stdout)")
        }
        XCTAssertTrue(lines.contains { $0.hasPrefix("run 3/6: softmax, seed 1") && $0.contains("stopped after epoch 1") }, rerun.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("run 5/6: nce num_sampled 3, seed 2") && !$0.hasSuffix("skipped") }, rerun.stdout)
        XCTAssertTrue(lines.first?.contains("2 to train") ?? false, rerun.stdout)
        for name in names {
            XCTAssertEqual(try contents(runs + name + ".safetensors"), before[name], "\(name) differs after the rerun")
        }
        for name in ["nce-s1-seed1", "nce-s3-seed1", "nce-s1-seed2", "softmax-seed2"] {
            let date = try FileManager.default.attributesOfItem(atPath: runs + name + ".safetensors")[.modificationDate] as? Date
            XCTAssertEqual(date, dates[name], "\(name) was rewritten although finished")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: leftover))
        XCTAssertEqual(try csvRows(folder + "/results.csv").count, 6)
        // The metrics of a redone run start again rather than growing.
        let metrics = try String(contentsOfFile: runs + "softmax-seed1.jsonl", encoding: .utf8)
        XCTAssertEqual(metrics.split(separator: "\n").count, 2)

        let third = try runSweep(data, into: folder)
        XCTAssertTrue(third.stdout.contains("0 to train"), third.stdout)
        XCTAssertEqual(third.stdout.split(separator: "\n").filter { $0.hasSuffix("skipped") }.count, 6, third.stdout)
    }

    func testAFolderHoldingASweepWithOtherOptionsIsRefused() throws {
        let data = try makeDataSet(trainCount: 200, testCount: 20)
        let folder = scratchPath("sweep")
        _ = try runSweep(data, into: folder)
        let before = try contents(folder + "/runs/nce-s1-seed1.safetensors")
        let other = try mnistNCE(
            ["sweep", "--num-sampled", "1,3", "--softmax", "--seeds", "1,2", "--output-dir", folder]
                + sweepOptions(data) + ["--epochs", "3"])
        assertFailure(other, status: 73, mentioning: [folder, "--epochs 2 there", "--epochs 3 here"])
        XCTAssertEqual(try contents(folder + "/runs/nce-s1-seed1.safetensors"), before)

        // Other lists over the same recipe extend the sweep.
        let more = try runSweep(data, into: folder, ["--seeds", "1,2,3"])
        XCTAssertTrue(more.stdout.contains("3 to train"), more.stdout)
        XCTAssertEqual(try csvRows(folder + "/results.csv").count, 9)
    }

    func testAFolderOfOtherFilesIsRefused() throws {
        let folder = scratchPath("mine")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: folder + "/results.csv", contents: Data("keep me\n".utf8))
        let result = try mnistNCE(["sweep", "--softmax", "--output-dir", folder])
        assertFailure(result, status: 73, mentioning: [folder, "sweep.json"])
        XCTAssertEqual(try String(contentsOfFile: folder + "/results.csv", encoding: .utf8), "keep me\n")
    }

    /// A wrong --data-dir fails before the folder is claimed, so the
    /// corrected command is not refused as another sweep.
    func testAMissingDataFolderLeavesNoSweepBehind() throws {
        let folder = scratchPath("sweep")
        let missing = scratchPath("no-data")
        for extra in [[], ["--list"]] {
            let result = try mnistNCE(["sweep", "--softmax", "--data-dir", missing, "--output-dir", folder] + extra)
            assertFailure(result, status: 66, mentioning: [missing])
            XCTAssertFalse(FileManager.default.fileExists(atPath: folder), "the failed sweep left \(folder)")
        }
    }

    /// A run that diverges is reported and the sweep goes on; the report
    /// covers the others and the status is 1. (On this data and seed, SGD
    /// at rate 3 diverges softmax and not NCE with one negative; at rate 10
    /// it diverges both.)
    func testADivergedRunDoesNotStopTheSweep() throws {
        let data = try makeDataSet(trainCount: 200, testCount: 20)
        let folder = scratchPath("sweep")
        let arguments = ["sweep", "--softmax", "--num-sampled", "1", "--seeds", "1"] + sweepOptions(data) + ["--optimizer", "sgd"]
        let result = try mnistNCE(arguments + ["--output-dir", folder, "--learning-rate", "3"])
        XCTAssertEqual(result.status, 1, result.summary)
        XCTAssertEqual(result.stderrLines, ["mnist-nce: 1 run diverged (softmax-seed1); the report covers the others"])
        XCTAssertTrue(result.stdout.contains("  training diverged: "), result.stdout)
        XCTAssertEqual(try csvRows(folder + "/results.csv").map { $0["loss"]! }, ["nce"])

        let all = try mnistNCE(arguments + ["--output-dir", scratchPath("all"), "--learning-rate", "10"])
        XCTAssertEqual(all.status, 1, all.summary)
        XCTAssertEqual(all.stderrLines, ["mnist-nce: every run diverged (nce-s1-seed1, softmax-seed1); there is nothing to report"])
    }

    // MARK: --list and report

    /// `--list` prints one train command per run and nothing else; one of
    /// them, run as it is, trains the very checkpoint the sweep trained.
    func testListLinesParseBackIntoTheSweepsRuns() throws {
        let data = try makeDataSet(trainCount: 300, testCount: 50)
        let folder = scratchPath("sweep")
        _ = try runSweep(data, into: folder)
        let arguments = ["sweep", "--num-sampled", "1,3", "--softmax", "--seeds", "1,2", "--output-dir", folder]
            + sweepOptions(data) + ["--list"]
        let listing = try mnistNCE(arguments)
        assertSuccess(listing)
        XCTAssertEqual(listing.stderr, "")
        let lines = listing.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 6, listing.stdout)
        let absoluteFolder = URL(fileURLWithPath: folder).standardizedFileURL.path
        for line in lines {
            let words = line.split(separator: " ").map(String.init)
            XCTAssertEqual(words.first, CommandRunner.executable.path, line)
            XCTAssertEqual(words.dropFirst().first, "train", line)
            let output = try XCTUnwrap(value(of: "--output", in: words), line)
            let metrics = try XCTUnwrap(value(of: "--metrics", in: words), line)
            XCTAssertTrue(output.hasPrefix(absoluteFolder + "/runs/") && output.hasSuffix(".safetensors"), line)
            XCTAssertTrue(metrics.hasPrefix(absoluteFolder + "/runs/") && metrics.hasSuffix(".jsonl"), line)
        }
        let line = try XCTUnwrap(lines.first { $0.contains("--num-sampled 3 --seed 2 ") }, listing.stdout)
        let words = line.split(separator: " ").map(String.init)
        XCTAssertEqual(value(of: "--loss", in: words), "nce")
        XCTAssertEqual(value(of: "--hidden", in: words), "16")
        XCTAssertEqual(value(of: "--epochs", in: words), "2")
        XCTAssertEqual(value(of: "--threads", in: words), "1")
        let output = value(of: "--output", in: words)!
        let sweepBytes = try contents(output)
        let trained = try mnistNCE(Array(words.dropFirst()))
        assertSuccess(trained)
        XCTAssertEqual(try contents(output), sweepBytes, "the listed command trained another checkpoint than the sweep")
    }

    /// Runs made from `--list` lines elsewhere (here: two of them) are
    /// reported by `report`, which names the ones not yet finished.
    func testReportCoversTheRunsThatFinished() throws {
        let data = try makeDataSet(trainCount: 200, testCount: 40)
        let folder = scratchPath("sweep")
        let listing = try mnistNCE(
            ["sweep", "--num-sampled", "2", "--softmax", "--seeds", "5", "--output-dir", folder] + sweepOptions(data)
                + ["--list"])
        assertSuccess(listing)
        let lines = listing.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 2)
        assertSuccess(try mnistNCE(Array(lines[0].split(separator: " ").map(String.init).dropFirst())))

        let report = try mnistNCE(["report", folder])
        assertSuccess(report)
        XCTAssertTrue(report.stdout.contains("1 finished run reported"), report.stdout)
        let rows = try csvRows(folder + "/results.csv")
        XCTAssertEqual(rows.map { $0["loss"]! }, ["nce"])
        XCTAssertEqual(rows.first?["num_sampled"], "2")
        XCTAssertEqual(rows.first?["seed"], "5")
        let page = try String(contentsOfFile: folder + "/report.html", encoding: .utf8)
        XCTAssertTrue(page.contains("sweep --num-sampled 2 --softmax --seeds 5"), "the listing's command is recorded")
        _ = try SVGElements.parse(file: folder + "/accuracy.svg")
    }

    func testReportOnAnEmptyMissingOrForeignFolderFails() throws {
        let empty = scratchPath("empty")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        assertFailure(try mnistNCE(["report", empty]), status: 66, mentioning: [empty, "finished runs"])
        let foreign = scratchPath("foreign")
        try FileManager.default.createDirectory(atPath: foreign + "/runs", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: foreign + "/runs/model.safetensors", contents: Data("not one".utf8))
        FileManager.default.createFile(atPath: foreign + "/notes.txt", contents: Data("mine".utf8))
        assertFailure(try mnistNCE(["report", foreign]), status: 66, mentioning: [foreign, "finished runs"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: foreign).sorted(), ["notes.txt", "runs"])
        let missing = scratchPath("missing")
        assertFailure(try mnistNCE(["report", missing]), status: 66, mentioning: [missing])
    }

    // MARK: Helpers

    /// The rows of a CSV file without quoted fields, as column → value.
    func csvRows(_ path: String) throws -> [[String: String]] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        let header = try XCTUnwrap(lines.first).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return lines.dropFirst().map { line in
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            XCTAssertEqual(cells.count, header.count, line)
            return Dictionary(uniqueKeysWithValues: zip(header, cells))
        }
    }

    func value(of option: String, in words: [String]) -> String? {
        words.firstIndex(of: option).flatMap { $0 + 1 < words.count ? words[$0 + 1] : nil }
    }

    /// Rewrites a checkpoint as the one a run leaves after `epoch` epochs
    /// when it is stopped: no test accuracy.
    func markUnfinished(_ path: String, epoch: Int) throws {
        let archive = try SafeTensorsFile.read(path: path)
        let records = try archive.tensors.map {
            TensorRecord(name: $0.name, dtype: $0.dtype, shape: $0.shape, data: try archive.rawBytes($0.name))
        }
        var metadata = archive.metadata
        metadata["test_accuracy"] = nil
        metadata["epoch"] = String(epoch)
        try SafeTensorsFile.write(records, metadata: metadata, to: path)
    }
}
