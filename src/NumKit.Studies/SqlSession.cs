using System;
using System.Collections.Generic;
using System.Data.Common;

namespace NumKit.Tuning;

/// <summary>
/// One open connection of a SQL study storage, kept for reuse, with each statement it has run kept as a
/// command: SQLite keeps a command's compiled statement, and Npgsql prepares a statement on the server once
/// it has been used twice (auto-prepare), so an operation costs the database's work and little more.
/// </summary>
/// <remarks>Used by one thread at a time: the storage hands a session out, and takes it back when the operation ends.</remarks>
internal sealed class SqlSession(DbConnection connection) : IDisposable
{
    private readonly Dictionary<string, DbCommand> _commands = new(StringComparer.Ordinal);

    public DbConnection Connection { get; } = connection;

    /// <summary>The command for <paramref name="sql"/> (created the first time), in <paramref name="transaction"/>, with the parameters' values set.</summary>
    public DbCommand Command(string sql, DbTransaction? transaction, params ReadOnlySpan<(string Name, object Value)> parameters)
    {
        if (!_commands.TryGetValue(sql, out DbCommand? command))
        {
            command = Connection.CreateCommand();
#pragma warning disable CA2100 // Every statement is a constant of the storage classes; values go through parameters.
            command.CommandText = sql;
#pragma warning restore CA2100
            foreach ((string name, _) in parameters)
            {
                DbParameter parameter = command.CreateParameter();
                parameter.ParameterName = name;
                command.Parameters.Add(parameter);
            }

            _commands.Add(sql, command);
        }

        command.Transaction = transaction;
        for (int i = 0; i < parameters.Length; i++)
        {
            command.Parameters[i].Value = parameters[i].Value;
        }

        return command;
    }

    public int Execute(string sql, DbTransaction? transaction, params ReadOnlySpan<(string Name, object Value)> parameters) =>
        Command(sql, transaction, parameters).ExecuteNonQuery();

    public object? Scalar(string sql, DbTransaction? transaction, params ReadOnlySpan<(string Name, object Value)> parameters)
    {
        object? value = Command(sql, transaction, parameters).ExecuteScalar();
        return value is DBNull ? null : value;
    }

    public void Dispose()
    {
        foreach (DbCommand command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
        Connection.Dispose();
    }
}
