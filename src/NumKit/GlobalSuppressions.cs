using System.Diagnostics.CodeAnalysis;

// NumKit.Kernels holds the building blocks that generated kernels compile against in users' projects
// (Simd512<T> ... Scalar<T>, ISimd, KernelGuard, SimdMath): public only so that code can reach them,
// hidden from IntelliSense and free to change in any version, so they stay out of the reviewed public
// API (PublicAPI.Shipped.txt / Unshipped.txt).
[assembly: SuppressMessage("ApiDesign", "RS0016:Add public types and members to the declared API", Scope = "namespaceanddescendants", Target = "~N:NumKit.Kernels",
    Justification = "Generated code's building blocks: hidden, not part of the reviewed API.")]
[assembly: SuppressMessage("ApiDesign", "RS0017:Remove deleted types and members from the declared API", Scope = "namespaceanddescendants", Target = "~N:NumKit.Kernels",
    Justification = "Generated code's building blocks: hidden, not part of the reviewed API.")]

// IOptimizerRule's StepStored is how the runtime calls a rule's generated stored-value loop: its signature names
// NumKit.Kernels.StoredRuns, so it is a building block too (hidden with EditorBrowsable(Never)), not reviewed API.
[assembly: SuppressMessage("ApiDesign", "RS0016:Add public types and members to the declared API", Scope = "member", Target = "~M:NumKit.IOptimizerRule`1.StepStored``3(`0@,System.Int32,NumKit.Kernels.StoredRuns@,System.Span{System.Double})",
    Justification = "Generated code's building block: its signature is NumKit.Kernels'.")]
