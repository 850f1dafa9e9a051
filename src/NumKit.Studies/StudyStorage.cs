namespace NumKit.Tuning;

/// <summary>Opens the storage a <c>--storage</c> argument names: a PostgreSQL connection string or URI, otherwise a SQLite file.</summary>
public static class StudyStorage
{
    /// <summary>
    /// <see cref="PostgresStudyStorage"/> for <c>Host=…</c> or <c>postgres://…</c>, otherwise
    /// <see cref="SqliteStudyStorage"/> on the file <paramref name="storage"/> names (created if absent).
    /// </summary>
    public static SqlStudyStorage Open(string storage) =>
        PostgresStudyStorage.LooksLikeConnectionString(storage) ? new PostgresStudyStorage(ToConnectionString(storage)) : new SqliteStudyStorage(storage);

    // Npgsql takes keyword=value strings; a postgres:// URI is turned into one.
    private static string ToConnectionString(string storage)
    {
        if (!storage.Contains("://", System.StringComparison.Ordinal))
        {
            return storage;
        }

        var uri = new System.Uri(storage);
        var builder = new Npgsql.NpgsqlConnectionStringBuilder { Host = uri.Host, Database = uri.AbsolutePath.TrimStart('/') };
        if (uri.Port > 0)
        {
            builder.Port = uri.Port;
        }

        string[] user = System.Uri.UnescapeDataString(uri.UserInfo).Split(':', 2);
        if (user[0].Length > 0)
        {
            builder.Username = user[0];
        }

        if (user.Length > 1)
        {
            builder.Password = user[1];
        }

        return builder.ToString();
    }
}
