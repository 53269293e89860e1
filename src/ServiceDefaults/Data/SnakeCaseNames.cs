using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Bazaar.ServiceDefaults.Data;

/// <summary>
/// Maps every property to its snake_case column (<c>NormalizedEmail</c> → <c>normalized_email</c>), matching the SQL
/// migrations. EFCore.NamingConventions would do this, but its mirror version fails at run time with EF Core 10.
/// </summary>
public static class SnakeCaseNames
{
    /// <summary>Call last in <c>OnModelCreating</c>, after the entities are declared.</summary>
    public static ModelBuilder UseSnakeCaseColumns(this ModelBuilder model)
    {
        foreach (var entity in model.Model.GetEntityTypes())
            foreach (var property in entity.GetProperties())
                property.SetColumnName(ToSnakeCase(property.Name));
        return model;
    }

    public static string ToSnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))))
                builder.Append('_');
            builder.Append(char.ToLowerInvariant(c));
        }
        return builder.ToString();
    }
}
