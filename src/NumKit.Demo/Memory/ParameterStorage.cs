namespace NumKit.Demo.Memory;

/// <summary>How the network's parameters and gradients are stored between steps (the network computes in float32 either way).</summary>
public enum ParameterStorage
{
    /// <summary>IEEE single precision: 4 bytes per parameter and per gradient.</summary>
    Float32,

    /// <summary>bfloat16: 2 bytes per parameter and per gradient; each update gets back into 16 bits as a <see cref="LowPrecisionUpdate"/> says.</summary>
    BFloat16,
}
