using System.Linq.Expressions;
using Bazaar.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bazaar.ServiceDefaults.Data;

/// <summary>
/// Keyset paging, newest first, over time-ordered (UUIDv7) ids: a page is the rows whose id is below the cursor, and
/// the cursor is the last id of the previous page. Unlike an offset, a page never repeats or skips a row when rows are
/// added while someone pages.
/// </summary>
public readonly record struct NewestFirst(Guid? After, int Limit)
{
    /// <summary>Reads a page request into <paramref name="page"/>; the answer is null, or the problem that names what is wrong with it.</summary>
    public static ValidationProblem? Read(string? cursor, int limit, int maxLimit, out NewestFirst page)
    {
        page = default;
        if (limit < 1 || limit > maxLimit)
            return Problem.Field("limit", $"limit must be between 1 and {maxLimit}.");
        Guid? after = null;
        if (cursor is not null)
        {
            if (!Guid.TryParse(cursor, out var parsed))
                return Problem.Field("cursor", "The cursor is not valid; use nextCursor from the previous page.");
            after = parsed;
        }
        page = new NewestFirst(after, limit);
        return null;
    }

    /// <summary>Narrows <paramref name="query"/> to this page's rows, newest first, and one more row that tells whether another page follows.</summary>
    public IQueryable<T> Apply<T>(IQueryable<T> query, Expression<Func<T, Guid>> id)
    {
        if (After is { } after)
        {
            // id.CompareTo(after) < 0, which EF translates to "id < @after"; the value is read from an object, so it is sent as a parameter.
            var bound = Expression.Property(Expression.Constant(new Bound(after)), nameof(Bound.Id));
            var compare = Expression.Call(id.Body, typeof(Guid).GetMethod(nameof(Guid.CompareTo), [typeof(Guid)])!, bound);
            query = query.Where(Expression.Lambda<Func<T, bool>>(Expression.LessThan(compare, Expression.Constant(0)), id.Parameters));
        }
        return query.OrderByDescending(id).Take(Limit + 1);
    }

    /// <summary>This page's items from the rows <see cref="Apply{T}"/> found, and the cursor of the next page (null on the last).</summary>
    public (List<TItem> Items, string? NextCursor) Cut<TRow, TItem>(IReadOnlyList<TRow> rows, Func<TRow, Guid> id, Func<TRow, TItem> item) =>
        ([.. rows.Take(Limit).Select(item)], rows.Count > Limit ? id(rows[Limit - 1]).ToString() : null);

    sealed record Bound(Guid Id);
}
