// bitsandbytes.functional.create_dynamic_map(signed, max_exponent_bits=7, total_bits=8), line for line,
// with torch's own float32 linspace and arithmetic (TorchSharp runs libtorch).
using System.Globalization;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

static float[] CreateDynamicMap(bool signed, int maxExponentBits = 7, int totalBits = 8)
{
    var data = new List<double>();
    int nonSignBits = totalBits - 1; // "(1 if signed else 1)" in the Python: one bit either way
    int additionalItems = (1 << (nonSignBits - maxExponentBits)) - 1;
    int i = 0;
    for (i = 0; i < maxExponentBits; i++)
    {
        int fractionItems = signed
            ? (1 << (i + nonSignBits - maxExponentBits)) + 1
            : (1 << (i + nonSignBits - maxExponentBits + 1)) + 1;
        Tensor boundaries = linspace(0.1, 1, fractionItems);
        Tensor means = (boundaries[..^1] + boundaries[1..]) / 2.0;
        double scale = Math.Pow(10, -(maxExponentBits - 1) + i); // Python's 10 ** k
        data.AddRange((means * scale).data<float>().Select(x => (double)x));
        if (signed)
        {
            data.AddRange((means * -scale).data<float>().Select(x => (double)x));
        }
    }

    if (additionalItems > 0)
    {
        throw new NotSupportedException("not reached for 8 bits and 7 exponent bits");
    }

    data.Add(0);
    data.Add(1.0);
    while (data.Count < 256)
    {
        data.Add(0);
    }

    data.Sort();
    return data.Select(x => (float)x).ToArray();
}

string Line(string name, float[] code)
    => $"  \"{name}\": [{string.Join(", ", code.Select(x => "\"0x" + BitConverter.SingleToUInt32Bits(x).ToString("x8", CultureInfo.InvariantCulture) + "\""))}]";

var json = new StringBuilder();
json.AppendLine("{");
json.AppendLine("  \"source\": \"bitsandbytes.functional.create_dynamic_map(signed, max_exponent_bits=7, total_bits=8), computed with libtorch " + torch.__version__ + " via TorchSharp (tests/tools/DynamicMapReference); float32 bit patterns, sorted ascending\",");
json.AppendLine(Line("signed", CreateDynamicMap(true)) + ",");
json.AppendLine(Line("unsigned", CreateDynamicMap(false)));
json.AppendLine("}");
string path = args.Length > 0 ? args[0] : "dynamic_maps.json";
File.WriteAllText(path, json.ToString());
Console.WriteLine($"wrote {path}");
