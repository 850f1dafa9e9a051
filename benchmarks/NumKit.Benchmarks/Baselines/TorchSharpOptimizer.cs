using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NumKit.Benchmarks.Baselines;

/// <summary>
/// One parameter tensor, its gradient and a <c>torch.optim</c> optimizer over it: what a TorchSharp
/// user steps. The gradient is set once and kept (nothing zeroes it), so every <see cref="Step"/> does
/// the same work, at libtorch's default thread count.
/// </summary>
public sealed class TorchSharpOptimizer : IDisposable
{
    private readonly Parameter _parameter;
    private readonly Tensor _gradient;
    private readonly OptimizerHelper _optimizer;

    private TorchSharpOptimizer(float[] parameters, float[] gradients, Func<Parameter, OptimizerHelper> create)
    {
        TorchSharpRuntime.Require();
        _parameter = new Parameter(torch.tensor(parameters), requires_grad: true);
        _gradient = torch.tensor(gradients);
        _parameter.grad = _gradient;
        _optimizer = create(_parameter);
    }

    /// <summary>torch.optim.SGD without momentum.</summary>
    public static TorchSharpOptimizer Sgd(float[] parameters, float[] gradients, double learningRate)
        => new(parameters, gradients, p => torch.optim.SGD([p], learningRate));

    /// <summary>
    /// torch.optim.SGD with momentum = dampening = β: V ← βV + (1−β)g, w ← w − αV, the course's momentum —
    /// except that PyTorch starts V at the first gradient itself, so only its first step differs.
    /// </summary>
    public static TorchSharpOptimizer Momentum(float[] parameters, float[] gradients, double learningRate, double beta)
        => new(parameters, gradients, p => torch.optim.SGD([p], learningRate, momentum: beta, dampening: beta));

    /// <summary>torch.optim.RMSprop.</summary>
    public static TorchSharpOptimizer RmsProp(float[] parameters, float[] gradients, double learningRate, double alpha, double epsilon, double weightDecay)
        => new(parameters, gradients, p => torch.optim.RMSProp([p], learningRate, alpha, epsilon, weightDecay));

    /// <summary>torch.optim.Adam.</summary>
    public static TorchSharpOptimizer Adam(float[] parameters, float[] gradients, double learningRate, double beta1, double beta2, double epsilon, double weightDecay)
        => new(parameters, gradients, p => torch.optim.Adam([p], learningRate, beta1, beta2, epsilon, weightDecay));

    /// <summary>torch.optim.AdamW.</summary>
    public static TorchSharpOptimizer AdamW(float[] parameters, float[] gradients, double learningRate, double beta1, double beta2, double epsilon, double weightDecay)
        => new(parameters, gradients, p => torch.optim.AdamW([p], learningRate, beta1, beta2, epsilon, weightDecay));

    /// <summary>One optimizer step.</summary>
    public void Step() => _optimizer.step();

    /// <summary>A copy of the parameters as they are now.</summary>
    public float[] Parameters() => _parameter.data<float>().ToArray();

    /// <summary>Releases the tensors and the optimizer's state.</summary>
    public void Dispose()
    {
        _optimizer.Dispose();
        _gradient.Dispose();
        _parameter.Dispose();
    }
}
