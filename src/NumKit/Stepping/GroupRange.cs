namespace NumKit.Stepping;

/// <summary>
/// One kernel call of a step: <paramref name="Length"/> parameters from <paramref name="Start"/>, all of
/// them in group <paramref name="Group"/> (a maximal run of consecutive tensors of that group).
/// </summary>
internal readonly record struct GroupRange(int Start, int Length, int Group);
