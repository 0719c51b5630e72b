/**
 * Training and evaluation on real data: {@link io.github.alexnetjava.train.Trainer} (the epoch loop with
 * validation, schedule, progress and checkpoint hooks, and exact resumption from a
 * {@link io.github.alexnetjava.train.TrainState}), {@link io.github.alexnetjava.train.Evaluator} (top-1/top-5,
 * 10-crop averaging of softmax outputs), {@link io.github.alexnetjava.train.MetricsCsv} and
 * {@link io.github.alexnetjava.train.EpochMetrics} ({@code metrics.csv}).
 *
 * <pre>{@code
 * Trainer t = new Trainer(net, sgd, train, trainTransform, val, valTransform,
 *         new Trainer.Config(128, 90, seed, DataLoader.defaultThreads(), false, 0, false));
 * List<EpochMetrics> rows = t.run(TrainState.start(), List.of(), new Trainer.Listener() {
 *     public void epochEnd(EpochMetrics m, List<EpochMetrics> all) throws IOException {
 *         MetricsCsv.write(runDir.resolve("metrics.csv"), all);
 *     }
 *     public void checkpoint(TrainState s, List<EpochMetrics> all) throws IOException {
 *         Checkpoint.save(runDir.resolve("checkpoint.ckpt"), net, sgd, s.toMetadata());
 *     }
 * });
 * // resume: Checkpoint.load(file, net, sgd) -> TrainState.fromMetadata(meta), MetricsCsv.read(...)
 * }</pre>
 */
package io.github.alexnetjava.train;
