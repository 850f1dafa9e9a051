using System;

namespace NumKit.Tuning;

/// <summary>
/// A study's settings as its storage keeps them: fixed when the study is created, read by every worker
/// that joins it (so workers on other machines agree on the seed, the budget and the space).
/// </summary>
/// <param name="Name">The study's name, unique in its storage.</param>
/// <param name="Space">The search space, as <see cref="SearchSpace.ToString"/> prints it (a joining worker's space must match).</param>
/// <param name="Sampler">The sampler's name (<see cref="object.ToString"/> of the <see cref="ISampler"/>).</param>
/// <param name="Seed">The study's seed: trial n's random numbers come from (seed, n).</param>
/// <param name="Budget">How many trials the study runs (trial numbers 0 to budget − 1).</param>
/// <param name="MaxAttempts">How many times a trial may be started: a trial whose worker stopped beating is retried until it has been started this often.</param>
public sealed record StudySettings(string Name, string Space, string Sampler, ulong Seed, int Budget, int MaxAttempts)
{
    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">An empty name or space, a budget below 1 or attempts below 1.</exception>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Name);
        ArgumentException.ThrowIfNullOrWhiteSpace(Space);
        ArgumentException.ThrowIfNullOrWhiteSpace(Sampler);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Budget);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxAttempts);
    }
}
