using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Numerics;
using System.Reflection;

namespace NumKit.Demo.Course;

/// <summary>
/// A two-feature binary classification data set in the course's layout: X is (2, m) row-major (example
/// j is column j) and Y is (1, m), in double precision.
/// </summary>
public sealed class MoonsData
{
    private readonly double[] _features;
    private readonly double[] _labels;

    /// <summary>Wraps features in the (2, m) row-major layout and labels of 0 or 1.</summary>
    /// <exception cref="ArgumentException">The lengths disagree or a label is not 0 or 1.</exception>
    public MoonsData(double[] features, double[] labels)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        if (features.Length != 2 * labels.Length)
        {
            throw new ArgumentException($"'features' must hold 2 rows of {labels.Length} examples ({2 * labels.Length} values) but has {features.Length}.", nameof(features));
        }

        for (int j = 0; j < labels.Length; j++)
        {
            if (labels[j] is not (0.0 or 1.0))
            {
                throw new ArgumentException($"Label {j} is {labels[j]}; labels must be 0 or 1.", nameof(labels));
            }
        }

        _features = features;
        _labels = labels;
    }

    /// <summary>The number of examples m.</summary>
    public int Count => _labels.Length;

    /// <summary>The features, (2, m) row-major: x1 of every example, then x2 of every example.</summary>
    public ReadOnlyMemory<double> Features => _features;

    /// <summary>The labels, (1, m).</summary>
    public ReadOnlyMemory<double> Labels => _labels;

    /// <summary>The course's 300 moons (<c>np.random.seed(3); make_moons(300, noise=.2)</c>), read from the demo's embedded copy.</summary>
    public static MoonsData LoadCourse()
    {
        using StreamReader reader = OpenResource("moons300.csv");
        return Parse(reader, "moons300.csv");
    }

    /// <summary>Parses <c>x1,x2,label</c> lines after a header line.</summary>
    /// <exception cref="FormatException">A line does not hold three numbers; the message names the line.</exception>
    public static MoonsData Parse(TextReader reader, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var x1 = new List<double>();
        var x2 = new List<double>();
        var y = new List<double>();
        string? line = reader.ReadLine();
        int lineNumber = 1;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            string[] fields = line.Split(',');
            if (fields.Length != 3
                || !double.TryParse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double a)
                || !double.TryParse(fields[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double b)
                || !double.TryParse(fields[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double label))
            {
                throw new FormatException($"{sourceName} line {lineNumber}: expected 'x1,x2,label', found '{line}'.");
            }

            x1.Add(a);
            x2.Add(b);
            y.Add(label);
        }

        var features = new double[2 * y.Count];
        x1.CopyTo(features, 0);
        x2.CopyTo(features, y.Count);
        return new MoonsData(features, y.ToArray());
    }

    /// <summary>The features converted to <typeparamref name="T"/> (a new array).</summary>
    public T[] FeaturesAs<T>() where T : INumberBase<T> => Convert<T>(_features);

    /// <summary>The labels converted to <typeparamref name="T"/> (a new array).</summary>
    public T[] LabelsAs<T>() where T : INumberBase<T> => Convert<T>(_labels);

    internal static StreamReader OpenResource(string fileName)
    {
        Assembly assembly = typeof(MoonsData).Assembly;
        string name = "NumKit.Demo.Data." + fileName;
        Stream stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The demo assembly has no embedded resource '{name}'.");
        return new StreamReader(stream);
    }

    private static T[] Convert<T>(double[] source) where T : INumberBase<T>
    {
        var result = new T[source.Length];
        for (int i = 0; i < source.Length; i++)
        {
            result[i] = T.CreateChecked(source[i]);
        }

        return result;
    }
}
