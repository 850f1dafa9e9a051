using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace NumKit.Demo.Course;

/// <summary>
/// A network's starting parameters in NumKit's flat order (W1, b1, W2, b2, …; each W row-major, shape
/// (n_l, n_{l−1})), either the course's file or a numpy-exact He initialisation for any layer sizes.
/// </summary>
public sealed class InitialWeights
{
    private readonly int[] _layerSizes;
    private readonly double[] _parameters;

    private InitialWeights(int[] layerSizes, double[] parameters)
    {
        _layerSizes = layerSizes;
        _parameters = parameters;
    }

    /// <summary>The layer sizes n_0 (inputs), n_1, …, n_L (outputs).</summary>
    public ReadOnlySpan<int> LayerSizes => _layerSizes;

    /// <summary>Every parameter, W1, b1, W2, b2, … one after another.</summary>
    public ReadOnlySpan<double> Parameters => _parameters;

    /// <summary>The course's He initialisation for [2, 5, 2, 1], read from the demo's embedded copy of <c>init_weights.txt</c>.</summary>
    public static InitialWeights LoadCourse()
    {
        using StreamReader reader = MoonsData.OpenResource("init_weights.txt");
        return Parse(reader, "init_weights.txt");
    }

    /// <summary>
    /// He initialisation as the course draws it: <c>np.random.seed(seed)</c>, then for each layer
    /// <c>W = randn(n_l, n_{l−1}) * sqrt(2 / n_{l−1})</c> and b = 0. With seed 3 and [2, 5, 2, 1] this is the course's file.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than two layers, or a layer size below 1.</exception>
    public static InitialWeights He(ReadOnlySpan<int> layerSizes, uint seed)
    {
        int[] sizes = ValidateSizes(layerSizes);
        var parameters = new double[ParameterCount(sizes)];
        var random = new NumpyLegacyRandom(seed);
        int offset = 0;
        for (int l = 1; l < sizes.Length; l++)
        {
            double scale = Math.Sqrt(2.0 / sizes[l - 1]);
            int weights = sizes[l] * sizes[l - 1];
            for (int i = 0; i < weights; i++)
            {
                parameters[offset + i] = random.NextGaussian() * scale;
            }

            // The biases that follow stay zero.
            offset += weights + sizes[l];
        }

        return new InitialWeights(sizes, parameters);
    }

    /// <summary>How many parameters a fully connected network with these layer sizes has.</summary>
    public static int ParameterCount(ReadOnlySpan<int> layerSizes)
    {
        int count = 0;
        for (int l = 1; l < layerSizes.Length; l++)
        {
            count = checked(count + (layerSizes[l] * layerSizes[l - 1]) + layerSizes[l]);
        }

        return count;
    }

    /// <summary>
    /// Parses the course's format: <c>#</c> comments, then blocks of a header <c>Wl rows cols</c> followed by
    /// that many rows; the layer sizes follow from the shapes, the biases are zero.
    /// </summary>
    /// <exception cref="FormatException">A header or row is malformed or the shapes do not chain; the message names the line.</exception>
    public static InitialWeights Parse(TextReader reader, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var sizes = new List<int>();
        var parameters = new List<double>();
        string? line;
        int lineNumber = 0;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            string[] header = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (header.Length != 3 || header[0] != "W" + (sizes.Count == 0 ? 1 : sizes.Count)
                || !int.TryParse(header[1], CultureInfo.InvariantCulture, out int rows)
                || !int.TryParse(header[2], CultureInfo.InvariantCulture, out int columns)
                || rows < 1 || columns < 1)
            {
                throw new FormatException($"{sourceName} line {lineNumber}: expected the header 'W{Math.Max(1, sizes.Count)} rows cols', found '{line}'.");
            }

            if (sizes.Count == 0)
            {
                sizes.Add(columns);
            }
            else if (sizes[^1] != columns)
            {
                throw new FormatException($"{sourceName} line {lineNumber}: {header[0]} has {columns} columns but the layer before has {sizes[^1]} units.");
            }

            sizes.Add(rows);
            for (int r = 0; r < rows; r++)
            {
                lineNumber++;
                string[] values = (reader.ReadLine() ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (values.Length != columns)
                {
                    throw new FormatException($"{sourceName} line {lineNumber}: row {r} of {header[0]} should have {columns} values but has {values.Length}.");
                }

                foreach (string value in values)
                {
                    if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double w))
                    {
                        throw new FormatException($"{sourceName} line {lineNumber}: '{value}' is not a number.");
                    }

                    parameters.Add(w);
                }
            }

            // The file lists weights only; the course starts every bias at zero.
            for (int i = 0; i < rows; i++)
            {
                parameters.Add(0.0);
            }
        }

        if (sizes.Count < 2)
        {
            throw new FormatException($"{sourceName}: no weight matrix found.");
        }

        return new InitialWeights(sizes.ToArray(), parameters.ToArray());
    }

    private static int[] ValidateSizes(ReadOnlySpan<int> layerSizes)
    {
        if (layerSizes.Length < 2)
        {
            throw new ArgumentException($"A network needs at least an input and an output layer; got {layerSizes.Length} layer size(s).", nameof(layerSizes));
        }

        for (int l = 0; l < layerSizes.Length; l++)
        {
            if (layerSizes[l] < 1)
            {
                throw new ArgumentException($"Layer {l} has {layerSizes[l]} units; every layer needs at least one.", nameof(layerSizes));
            }
        }

        return layerSizes.ToArray();
    }
}
