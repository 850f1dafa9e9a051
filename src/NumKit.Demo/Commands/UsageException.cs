using System;

namespace NumKit.Demo.Commands;

/// <summary>A command line the demo refuses after parsing (an output folder it cannot write): one line, exit code 2.</summary>
public sealed class UsageException : Exception
{
    /// <summary>Creates the exception with the line to print.</summary>
    public UsageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the line to print and its cause.</summary>
    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public UsageException()
    {
    }
}
