import ArgumentParser
import Foundation
import MNISTData
import NCENetwork
import SafeTensors

/// `mnist-nce sweep`: trains every configuration × seed into one folder,
/// one run after another, then writes the report.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Train every configuration × seed (NCE at each num_sampled, softmax) and report means and spreads.",
        discussion: """
            Runs go one after another in this process, seed by seed, each \
            into DIR/runs/<loss>[-s<N>]-seed<N>.safetensors with its metrics in \
            the .jsonl beside it. Then DIR gets results.csv, summary.md, \
            accuracy.svg, curves.svg, normalisation.svg and report.html (as \
            `mnist-nce report DIR` writes them).

            Rerunning the same command resumes: finished runs (checkpoint with a \
            test accuracy and this configuration) are skipped, unfinished ones \
            continue from their last checkpoint (the same as if they had not \
            stopped). Ctrl-C stops the sweep after the current step, with that \
            run's checkpoint written. A folder holding a sweep with \
            other training options is refused; the lists may change (runs \
            already there stay and are reported).

            --list prints one `mnist-nce train` command per run instead, to run \
            elsewhere (GNU parallel, a Slurm array); `mnist-nce report DIR` then \
            builds the report from whatever runs have finished.
            """)

    @OptionGroup(title: "Sweep") var sweep: SweepOptions
    @OptionGroup(title: "Training options (every run)") var training: TrainingOptions

    func validate() throws {
        for run in try plan().runs {
            if let problem = run.configuration.problem() { throw ValidationError(problem) }
        }
    }

    func plan() throws -> SweepPlan {
        SweepPlan(
            recipe: training.configuration(loss: .nce, numSampled: 1, seed: 1), numSampled: try sweep.numSampled,
            softmax: sweep.softmax, sampledSoftmax: sweep.sampledSoftmax, seeds: try sweep.seeds)
    }

    /// The data folder as an absolute path, as checkpoints record it.
    var dataDirectory: String { URL(fileURLWithPath: training.data.dataDir).standardizedFileURL.path }

    func run() throws {
        Interrupts.install()
        let plan = try plan()
        let folder = SweepFolder(path: sweep.outputDir)
        let recipe = training.configuration(loss: .nce, numSampled: 1, seed: 1)
        let manifest = SweepFolder.Manifest(
            recipe: SweepFolder.recipe(of: recipe),
            trainOptions: TrainArguments.recipe(recipe, dataDir: dataDirectory).flatMap(\.words),
            dataDir: dataDirectory, numSampled: try sweep.numSampled, softmax: sweep.softmax,
            sampledSoftmax: sweep.sampledSoftmax, seeds: try sweep.seeds,
            commands: [TrainArguments.shellLine(CommandLine.arguments)],
            started: MachineDescription.timestamp(Date()), machine: nil)
        // The folder and the data are checked before the folder is claimed,
        // so that a mistyped --data-dir does not leave a sweep record behind.
        let machine = sweep.list ? nil : MachineDescription.current()
        let claim = try folder.prepareClaim(manifest, recordMachine: machine.map { $0.map { [$0.0, $0.1] } })
        if sweep.list {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dataDirectory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CommandFailure(
                    "\(training.data.dataDir): expected a folder with the MNIST-layout files, found none",
                    status: CommandFailure.noInput)
            }
            try folder.write(claim.manifest)
            printList(plan, folder: folder)
            return
        }
        let set = try training.data.load()
        let source = DataSource(directory: dataDirectory, fingerprint: DataFingerprint(set))
        let runs = plan.runs.map { run in
            var c = run.configuration
            c.model.imageHeight = set.train.rows
            c.model.imageWidth = set.train.columns
            return SweepPlan.Run(index: run.index, configuration: c)
        }
        if let problem = runs.first?.configuration.problem() {
            throw CommandFailure("\(training.data.dataDir): \(problem)", status: CommandFailure.dataError)
        }
        for run in runs { try TrainCommand.checkMemory(run.configuration) }
        try folder.write(claim.manifest)
        if let note = claim.note { print("note: \(note)") }
        try CheckpointPaths.probeFolder(of: folder.runsPath + "/probe")
        // Every state first, so that a conflict is refused before training.
        let states = try runs.map { run throws(CommandFailure) in
            try folder.state(of: run, configuration: run.configuration, dataDirectory: dataDirectory)
        }
        let toTrain = zip(runs, states).filter { if case .finished = $1 { false } else { true } }.count
        print(
            "sweep: \(runs.count) runs (\(plan.configurationCount) configuration\(plan.configurationCount == 1 ? "" : "s") "
                + "× \(try sweep.seeds.count) seed\(try sweep.seeds.count == 1 ? "" : "s")), \(toTrain) to train, into \(sweep.outputDir): "
                + SweepResults.describe(runs[0].configuration))
        fflush(nil)

        let clock = ContinuousClock()
        var durations: [Double] = []
        var remaining = toTrain
        var diverged: [String] = []
        for (run, state) in zip(runs, states) {
            let header = "run \(run.index)/\(runs.count): \(run.title)"
            switch state {
            case let .finished(accuracy):
                print(String(format: "%@: finished before (test accuracy %.2f%%), skipped", header, accuracy * 100))
                fflush(nil)
                continue
            case let .unfinished(epoch, resumable):
                let planned = run.configuration.steps == nil ? " of \(run.configuration.epochs)" : ""
                let how = resumable ? "continued where" : "again:"
                print("\(header) (\(how) the last attempt stopped after epoch \(epoch)\(planned))"
                    + Self.etaText(durations, remaining: remaining))
            case .absent:
                print(header + Self.etaText(durations, remaining: remaining))
            }
            fflush(nil)
            let start = clock.now
            do {
                let summary = try train(
                    run, of: runs.count, folder: folder, source: source, data: set, durations: durations,
                    remaining: remaining, continuing: state.isResumable)
                let validation = summary.validationAccuracy.map { String(format: ", validation %.2f%%", $0 * 100) } ?? ""
                print(String(
                    format: "  done in %@: test accuracy %.2f%%%@, %.0f images/s",
                    Self.duration((clock.now - start).seconds), summary.testAccuracy * 100, validation,
                    summary.imagesPerSecond))
            } catch let failure as CommandFailure where failure.status == 1 {
                // A diverged run will diverge again; the others still run.
                print("  \(failure.message)")
                diverged.append(run.name)
            }
            fflush(nil)
            durations.append((clock.now - start).seconds)
            remaining -= 1
        }

        let divergence = CommandFailure(
            "\(diverged.count) run\(diverged.count == 1 ? "" : "s") diverged (\(diverged.joined(separator: ", "))); "
                + "the report covers the others", status: 1)
        let results: SweepResults
        do {
            results = try SweepResults.collect(folder, dataDir: nil, threads: training.threads)
        } catch {
            guard !diverged.isEmpty else { throw error }
            throw CommandFailure(
                "every run diverged (\(diverged.joined(separator: ", "))); there is nothing to report", status: 1)
        }
        let written = try results.writeReport(folder, machine: (machine ?? [], "The machine that ran the sweep."))
        for note in results.notes { print("note: \(note)") }
        print("")
        print(results.summaryTable)
        print("")
        print("report: " + written.joined(separator: ", "))
        if !diverged.isEmpty { throw divergence }
    }

    /// Trains one run into its files: continues an earlier attempt from its
    /// checkpoint's training state when `continuing` and it has one,
    /// otherwise starts over and replaces what the attempt left.
    private func train(
        _ run: SweepPlan.Run, of runCount: Int, folder: SweepFolder, source: DataSource, data: MNISTDataSet,
        durations: [Double], remaining: Int, continuing: Bool
    ) throws -> TrainingSummary {
        let checkpoint = folder.checkpointPath(run)
        SafeTensorsFile.removeStaleTemporaryFiles(for: checkpoint)
        try CheckpointPaths.checkWritable(checkpoint, overwrite: true)
        let saved = continuing
            ? try? Checkpoint.load(
                path: checkpoint, maxBatch: 1, threads: 1, memoryLimit: SystemMemory.availableBytes(), trainingState: true)
            : nil
        let resuming = saved.flatMap { saved in saved.training.map { ($0, saved.network.parameters) } }
        let metrics: MetricsLog
        do {
            metrics = try MetricsLog(path: folder.metricsPath(run), mode: resuming == nil ? .overwrite : .append)
            if let resuming { try metrics.discardLines(afterEpoch: resuming.0.state.epochsDone) }
        } catch {
            throw CommandFailure.from(error)
        }
        let display = ProgressDisplay(textMode: false)
        display.keepsEpochLines = false
        let place = "run \(run.index)/\(runCount)"
        if durations.isEmpty {
            display.livePrefix = { _ in place + " | " }
        } else {
            // The runs after this one take, by the evidence so far, the mean
            // of those finished.
            let mean = durations.reduce(0, +) / Double(durations.count)
            display.livePrefix = { runLeft in
                "\(place), sweep ETA \(ProgressDisplay.clockTime(runLeft + mean * Double(remaining - 1))) | "
            }
        }
        defer { display.finishLine() }
        var training = TrainingRun(
            configuration: run.configuration, checkpointPath: checkpoint, metrics: metrics, dataSource: source)
        training.interruption = Interrupts.signal
        do {
            return try training.run(data: data, resuming: resuming, onStep: display.step, onEpoch: display.epoch)
        } catch let stop as TrainingInterrupted {
            display.finishLine()
            let place = stop.checkpoint == nil ? "before run \(run.index)/\(runCount) started"
                : "in run \(run.index)/\(runCount) at \(stop.position)"
            throw CommandFailure(
                "interrupted \(place); run the same sweep command again to continue from there",
                status: 128 + stop.signal)
        } catch {
            display.finishLine()
            throw CommandFailure.from(error)
        }
    }

    /// "12.3 s" under a minute, else "m:ss" or "h:mm:ss".
    static func duration(_ seconds: Double) -> String {
        seconds < 59.95 ? String(format: "%.1f s", seconds) : ProgressDisplay.clockTime(seconds)
    }

    /// "; sweep ETA m:ss" once a run has finished in this process.
    static func etaText(_ durations: [Double], remaining: Int) -> String {
        guard !durations.isEmpty else { return "" }
        let mean = durations.reduce(0, +) / Double(durations.count)
        return "; sweep ETA " + ProgressDisplay.clockTime(mean * Double(remaining))
    }

    /// One `train` line per run, with absolute paths so it runs from any
    /// folder.
    private func printList(_ plan: SweepPlan, folder: SweepFolder) {
        let program = CommandLine.arguments.first.map { $0.contains("/") ? Self.absolute($0) : "mnist-nce" } ?? "mnist-nce"
        let runs = SweepFolder(path: Self.absolute(folder.path))
        for run in plan.runs {
            let words = TrainArguments.run(
                run.configuration, dataDir: dataDirectory, output: runs.checkpointPath(run), metrics: runs.metricsPath(run))
            print(TrainArguments.shellLine([program] + words))
        }
    }

    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }
}

/// The sweep's own options: its lists, its folder and `--list`.
struct SweepOptions: ParsableArguments {
    @Option(
        name: .customLong("num-sampled"), parsing: .unconditional,
        help: ArgumentHelp("NCE runs at each of these numbers of negatives per step.", valueName: "list"))
    var numSampledList: String?
    @Flag(help: "Add full softmax runs.")
    var softmax = false
    @Flag(help: "Add sampled softmax runs at each --num-sampled value.")
    var sampledSoftmax = false
    @Option(
        name: .customLong("seeds"), parsing: .unconditional,
        help: ArgumentHelp("Seeds; every configuration is trained once per seed.", valueName: "list"))
    var seedList = "1,2,3"
    @Option(help: ArgumentHelp("Folder for the runs and the report.", valueName: "dir"))
    var outputDir: String
    @Flag(help: "Print one `mnist-nce train` command per run and nothing else; train nothing.")
    var list = false

    var numSampled: [Int] {
        get throws {
            guard let numSampledList else { return [] }
            return try SweepPlan.parseList(numSampledList, option: "--num-sampled", minimum: 1, example: "1,2,3,5,9")
        }
    }

    var seeds: [UInt64] {
        get throws { try SweepPlan.parseList(seedList, option: "--seeds", minimum: 0, example: "1,2,3") }
    }

    func validate() throws {
        let negatives = try numSampled
        _ = try seeds
        if sampledSoftmax && negatives.isEmpty {
            throw ValidationError("--sampled-softmax runs at each --num-sampled value; pass --num-sampled too")
        }
        if negatives.isEmpty && !softmax {
            throw ValidationError("expected at least one configuration: pass --num-sampled LIST (NCE runs), --softmax, or both")
        }
    }
}
