using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Bazaar.Catalog.Products;
using Bazaar.ServiceDefaults.Data;
using Dapper;
using Npgsql;

namespace Bazaar.Catalog.Search;

/// <summary>
/// Listing and search over active products in two statements sent together: the page (keyset on the sort key and id)
/// and the facet counts over every product that matches the filters. Text matches by weighted full-text search
/// (name over brand over description) or by trigram word similarity to the name, which forgives typos.
/// </summary>
public sealed partial class ProductSearch(NpgsqlDataSource db, ProductReader reader)
{
    /// <summary>Upper bounds of the price bands in minor units; the last band is open.</summary>
    public static readonly long[] PriceBands = [2_500, 5_000, 10_000, 25_000];

    const string Score = "(ts_rank_cd(p.search, websearch_to_tsquery('english', @text), 1) * 4 + word_similarity(@text, p.name))";

    public async Task<ProductPage> SearchAsync(ProductQuery query, CancellationToken ct)
    {
        var parameters = new DynamicParameters();
        var where = new StringBuilder("p.status = 'active'");
        if (query.Text is { } text)
        {
            parameters.Add("text", text);
            where.Append(" and (p.search @@ websearch_to_tsquery('english', @text) or @text <% p.name)");
        }
        if (query.CategoryPath is { } path)
        {
            parameters.Add("path", path + "%");
            where.Append(" and p.category_path like @path");
        }
        if (query.Brands.Count > 0)
        {
            parameters.Add("brands", query.Brands.ToArray());
            where.Append(" and p.brand = any(@brands)");
        }
        if (query.MinPrice is { } min)
        {
            parameters.Add("minPrice", min);
            where.Append(" and p.max_price >= @minPrice");
        }
        if (query.MaxPrice is { } max)
        {
            parameters.Add("maxPrice", max);
            where.Append(" and p.min_price <= @maxPrice");
        }
        if (query.MinRating is { } rating)
        {
            parameters.Add("minRating", rating);
            where.Append(" and p.rating_average >= @minRating");
        }
        if (query.InStock)
            where.Append(" and exists (select 1 from stock s where s.product_id = p.id and s.on_hand > s.reserved)");

        var (key, direction, cast) = query.Sort switch
        {
            SortOrders.Relevance => (Score, "desc", "float8"),
            SortOrders.PriceAsc => ("p.min_price", "asc", "bigint"),
            SortOrders.PriceDesc => ("p.min_price", "desc", "bigint"),
            SortOrders.Rating => ("p.rating_average", "desc", "numeric"),
            _ => ("p.created_at", "desc", "timestamptz"),
        };
        var keyset = "";
        if (query.After is { } after)
        {
            parameters.Add("afterValue", after.Value);
            parameters.Add("afterId", after.Id);
            keyset = $" and (k.sort_key, k.id) {(direction == "desc" ? "<" : ">")} (@afterValue::{cast}, @afterId)";
        }
        parameters.Add("take", query.Limit + 1);
        parameters.Add("bands", PriceBands);

        var sql = $"""
            select k.* from (
                select p.id, p.slug, p.name, p.brand, p.category_id, p.status, p.currency, p.min_price, p.max_price, p.rating_average, p.rating_count,
                       (select i.storage_key from product_images i where i.product_id = p.id order by i.position, i.created_at limit 1) as image_key,
                       exists (select 1 from stock s where s.product_id = p.id and s.on_hand > s.reserved) as in_stock,
                       p.created_at, {key} as sort_key
                from products p where {where}) k
            where true{keyset}
            order by k.sort_key {direction}, k.id {direction}
            limit @take;

            with f as materialized (select p.category_id, p.brand, p.min_price, p.rating_average, p.rating_count from products p where {where})
            select 'category' as facet, f.category_id::text as value, count(*)::int as count from f group by f.category_id
            union all select 'brand', f.brand, count(*)::int from f group by f.brand
            union all select 'price', width_bucket(f.min_price, @bands)::text, count(*)::int from f group by 2
            union all select 'rating', case when f.rating_count = 0 then 'unrated' else floor(f.rating_average)::int::text end, count(*)::int from f group by 2;
            """;

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(sql, parameters, cancellationToken: ct));
        var rows = (await results.ReadAsync<SummaryRow>()).ToList();
        var facetRows = (await results.ReadAsync<FacetRow>()).ToList();
        var names = await CategoryNamesAsync(connection, facetRows.Where(f => f.Facet == "category").Select(f => Guid.Parse(f.Value)), ct);

        var page = rows.Take(query.Limit).ToList();
        var next = rows.Count > query.Limit ? new Cursor(query.Sort, SortValue(page[^1].Sort_Key), page[^1].Id).Encode() : null;
        var facets = new Facets(
            [.. facetRows.Where(f => f.Facet == "category").Select(f => (f, c: names[Guid.Parse(f.Value)]))
                .Select(x => new CategoryFacet(x.c.Id, x.c.Slug, x.c.Name, x.f.Count)).OrderByDescending(c => c.Count).ThenBy(c => c.Name, StringComparer.Ordinal)],
            [.. facetRows.Where(f => f.Facet == "brand").Select(f => new ValueFacet(f.Value, f.Count)).OrderByDescending(b => b.Count).ThenBy(b => b.Value, StringComparer.Ordinal)],
            [.. facetRows.Where(f => f.Facet == "price").Select(f => int.Parse(f.Value, CultureInfo.InvariantCulture)).Order()
                .Select(band => new PriceFacet(band == 0 ? 0 : PriceBands[band - 1], band < PriceBands.Length ? PriceBands[band] : null,
                    facetRows.Single(f => f.Facet == "price" && f.Value == band.ToString(CultureInfo.InvariantCulture)).Count))],
            [.. facetRows.Where(f => f.Facet == "rating").Select(f => new ValueFacet(f.Value, f.Count)).OrderByDescending(r => r.Value, StringComparer.Ordinal)]);
        return new ProductPage(
            [.. page.Select(r => new ProductSummary(r.Id, r.Slug, r.Name, r.Brand, r.Category_Id, r.Status, r.Currency, r.Min_Price, r.Max_Price,
                r.Rating_Average, r.Rating_Count, r.Image_Key is null ? null : reader.ImageUrl(r.Image_Key), r.In_Stock, new DateTimeOffset(r.Created_At, TimeSpan.Zero)))],
            next, facets.Categories.Sum(c => c.Count), facets);
    }

    public async Task<IReadOnlyList<Suggestion>> SuggestAsync(string text, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<Suggestion>(new CommandDefinition("""
            select name, slug from products
            where status = 'active' and (name ilike @prefix or @text <% name)
            order by (name ilike @prefix) desc, word_similarity(@text, name) desc, rating_count desc, id
            limit 8
            """, new { text, prefix = SqlLike.Escape(text) + "%" }, cancellationToken: ct));
        return [.. rows];
    }

    /// <summary>
    /// Cursors are client-held: a value is accepted only in the shape <see cref="SortValue"/> writes it and in a range
    /// PostgreSQL's cast takes (.NET alone is more lenient: thousands separators, a time without a date, a float that
    /// underflows to zero), so a forged one is a 400 before it reaches SQL.
    /// </summary>
    public static bool IsValidSortValue(string sort, string value) => sort switch
    {
        SortOrders.Relevance => FloatShape().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            && double.IsFinite(d) && (d != 0 || !NonZeroMantissa().IsMatch(value)),
        SortOrders.PriceAsc or SortOrders.PriceDesc => IntegerShape().IsMatch(value) && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
        SortOrders.Rating => DecimalShape().IsMatch(value) && decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var r) && r is >= 0 and <= 5,
        _ => TimestampShape().IsMatch(value) && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _),
    };

    [GeneratedRegex(@"^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]{1,3})?\z")]
    private static partial Regex FloatShape();

    [GeneratedRegex(@"^[^eE]*[1-9]")]
    private static partial Regex NonZeroMantissa();

    [GeneratedRegex(@"^-?[0-9]{1,19}\z")]
    private static partial Regex IntegerShape();

    [GeneratedRegex(@"^[0-9]{1,2}(\.[0-9]{1,10})?\z")]
    private static partial Regex DecimalShape();

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,7})?(Z|[+-][0-9]{2}:[0-9]{2})\z")]
    private static partial Regex TimestampShape();

    /// <summary>The sort value as PostgreSQL reads it back exactly (full-precision floats, ISO timestamps).</summary>
    static string SortValue(object value) => value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => ((double)f).ToString("R", CultureInfo.InvariantCulture),
        DateTime t => DateTime.SpecifyKind(t, DateTimeKind.Utc).ToString("O", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString()!,
    };

    static async Task<Dictionary<Guid, CategoryRef>> CategoryNamesAsync(NpgsqlConnection connection, IEnumerable<Guid> ids, CancellationToken ct)
    {
        var list = ids.ToArray();
        if (list.Length == 0)
            return [];
        var rows = await connection.QueryAsync<CategoryRef>(new CommandDefinition("select id, slug, name from categories where id = any(@list)", new { list }, cancellationToken: ct));
        return rows.ToDictionary(c => c.Id);
    }

#pragma warning disable IDE1006
    sealed class SummaryRow
    {
        public Guid Id { get; init; }
        public string Slug { get; init; } = "";
        public string Name { get; init; } = "";
        public string Brand { get; init; } = "";
        public Guid Category_Id { get; init; }
        public string Status { get; init; } = "";
        public string Currency { get; init; } = "";
        public long Min_Price { get; init; }
        public long Max_Price { get; init; }
        public decimal Rating_Average { get; init; }
        public int Rating_Count { get; init; }
        public string? Image_Key { get; init; }
        public bool In_Stock { get; init; }
        public DateTime Created_At { get; init; }
        public object Sort_Key { get; init; } = 0;
    }

    sealed record FacetRow(string Facet, string Value, int Count);
#pragma warning restore IDE1006
}
