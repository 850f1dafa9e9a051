using System.Collections.Generic;
using System.Threading;

namespace NumKit.Tuning;

/// <summary>
/// What a study trial's <see cref="TrialReporter"/> reports to: every epoch goes to the storage, and
/// pruning compares with the values the lower-numbered trials have stored by then (it does not wait).
/// </summary>
internal sealed class StudyBoard(Study study, StudyTrial trial, CancellationToken cancellationToken) : TrialBoard
{
    public override Pruner? Pruner => study.Options.Pruner;

    public override CancellationToken CancellationToken => cancellationToken;

    public override void Raise(TrialEvent trialEvent) => study.Options.Progress?.Invoke(trialEvent);

    public override void Append(TrialReporter reporter, int epoch, double cost)
    {
        reporter.AppendUnsynchronized(epoch, cost);
        study.Storage.ReportIntermediate(trial.StorageId, epoch, cost);
    }

    // Asynchronous: decide with what is stored now, so a slow or dead worker never holds others up.
    public override bool WaitForEarlier(TrialReporter reporter, int epoch) => !cancellationToken.IsCancellationRequested;

    public override int CollectEarlier(TrialReporter reporter, int epoch, ref double[] into)
    {
        IReadOnlyList<double> values = study.Storage.IntermediateValuesAt(study.StudyId, epoch, trial.Trial.Id);
        if (into.Length < values.Count)
        {
            into = new double[values.Count * 2];
        }

        for (int i = 0; i < values.Count; i++)
        {
            into[i] = double.IsFinite(values[i]) ? values[i] : double.PositiveInfinity;
        }

        return values.Count;
    }
}
