using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Bazaar.ServiceDefaults.Data;

/// <summary>A save refused by a unique constraint: the database's answer to "does this exist already?", race-free.</summary>
public static class UniqueViolation
{
    /// <summary>Whether the save broke a unique constraint; <paramref name="constraint"/> names it.</summary>
    public static bool IsUniqueViolation(this DbUpdateException exception, out string? constraint)
    {
        var unique = exception.InnerException as PostgresException is { SqlState: PostgresErrorCodes.UniqueViolation } found ? found : null;
        constraint = unique?.ConstraintName;
        return unique is not null;
    }

    public static bool IsUniqueViolation(this DbUpdateException exception) => exception.IsUniqueViolation(out _);
}
