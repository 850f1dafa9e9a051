using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace NumKit.Demo.Tests.Studies;

/// <summary>
/// A throwaway PostgreSQL server for the study tests: installs PostgreSQL if absent (apt-get, as root),
/// creates a cluster in a temporary folder with initdb, starts it with pg_ctl on a free local port, and
/// stops and deletes it afterwards. As root, the server runs as the <c>postgres</c> user (initdb refuses root).
/// </summary>
public sealed class PostgresCluster : IDisposable
{
    private readonly string _bin;
    private readonly string _folder;
    private readonly bool _asPostgresUser;

    public PostgresCluster()
    {
        _bin = FindBin() ?? Install();
        _asPostgresUser = Environment.UserName == "root";
        _folder = Directory.CreateTempSubdirectory("numkit-postgres-").FullName;
        Port = FreePort();
        if (_asPostgresUser)
        {
            Run("chown", "-R", "postgres:postgres", _folder);
        }

        RunPostgres("initdb", "-D", Path.Combine(_folder, "data"), "-A", "trust", "-U", "postgres", "--no-sync");
        Start();
        ConnectionString = $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=20";
    }

    public int Port { get; }

    public string ConnectionString { get; }

    /// <summary>A fresh database on the server, so tests do not see each other's studies.</summary>
    public string CreateDatabase(string name)
    {
        RunPostgres("createdb", "-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "postgres", name);
        return $"Host=127.0.0.1;Port={Port};Username=postgres;Database={name};Pooling=true;Maximum Pool Size=20";
    }

    /// <summary>
    /// Crashes the server (<c>pg_ctl stop -m immediate</c>: every process quits at once, no checkpoint, WAL not
    /// yet written out is lost) and starts it again, which replays the WAL as after a power cut of the server.
    /// </summary>
    public void CrashAndRestart()
    {
        RunPostgres("pg_ctl", "-D", Path.Combine(_folder, "data"), "-m", "immediate", "-w", "stop");
        Start();
    }

    public void Dispose()
    {
        try
        {
            RunPostgres("pg_ctl", "-D", Path.Combine(_folder, "data"), "-m", "immediate", "-w", "stop");
        }
        finally
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    // fsync off: the tests check locking and recovery, not the disk; an immediate stop still loses the
    // WAL a commit with synchronous_commit = off had not yet written, as a crash does.
    private void Start() =>
        RunPostgres("pg_ctl", "-D", Path.Combine(_folder, "data"), "-l", Path.Combine(_folder, "server.log"), "-w", "-t", "60", "-o",
            $"-p {Port} -k {_folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", "start");

    private static string? FindBin()
    {
        if (!Directory.Exists("/usr/lib/postgresql"))
        {
            return null;
        }

        return Directory.GetDirectories("/usr/lib/postgresql")
            .Select(d => Path.Combine(d, "bin"))
            .Where(b => File.Exists(Path.Combine(b, "initdb")))
            .OrderByDescending(b => b, StringComparer.Ordinal)
            .FirstOrDefault();
    }

    private static string Install()
    {
        Run("apt-get", "install", "-y", "postgresql");
        return FindBin() ?? throw new InvalidOperationException("apt-get installed postgresql, but no /usr/lib/postgresql/*/bin/initdb was found.");
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private void RunPostgres(string tool, params string[] arguments)
    {
        string program = Path.Combine(_bin, tool);
        if (_asPostgresUser)
        {
            Run("runuser", ["-u", "postgres", "--", program, .. arguments]);
        }
        else
        {
            Run(program, arguments);
        }
    }

    private static void Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish in 2 minutes.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {output.Result} {error.Result}");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresCluster>
{
    public const string Name = "PostgreSQL";
}
