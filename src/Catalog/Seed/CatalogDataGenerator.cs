using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Bazaar.Catalog.Seed;

// Each item draws from its own seeded Random and nothing reads string hashes, clocks or Guid.NewGuid: same seed, same bytes everywhere.
public sealed class CatalogDataGenerator(int seed = 2026)
{
    public static readonly DateTimeOffset WindowEnd = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    public const int WindowDays = 400;
    public static readonly DateTimeOffset WindowStart = WindowEnd.AddDays(-WindowDays);
    public const long MinPrice = 499;
    public const long MaxPrice = 49_999;
    public const int MaxVariantMarkupPercent = 18;
    public const int ReviewerCount = 50_000;
    public const string Currency = "EUR";

    const int WindowSeconds = WindowDays * 86_400;

    // Members read the field, so the constructor parameter is only used by initialisers and never captured twice.
    readonly int rootSeed = seed;
    readonly CategoryTree tree = BuildTree(seed);

    public IReadOnlyList<GeneratedCategory> Categories() => tree.Categories;

    public IEnumerable<GeneratedProduct> Products(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return Generate(count);
    }

    // Shared with anything that seeds matching customer accounts for the reviewers.
    public Guid ReviewerId(int reviewer) =>
        Uuid7(WindowStart, IdKind.Reviewer, reviewer, Mix64(rootSeed, Purpose.ReviewerId, reviewer));

    public string ReviewerName(int reviewer)
    {
        var bits = Mix64(rootSeed, Purpose.ReviewerName, reviewer);
        return FirstNames[(int)(bits % (ulong)FirstNames.Length)] + " " + Initials[(int)((bits >> 24) % (ulong)Initials.Length)] + ".";
    }

    IEnumerable<GeneratedProduct> Generate(int count)
    {
        var leaves = tree.Leaves;
        var order = new int[leaves.Count];
        for (var index = 0; index < count; index++)
        {
            // Each round visits every leaf once in a shuffled order, so even a small demo catalogue covers every leaf.
            var slot = index % order.Length;
            if (slot == 0)
                Shuffle(order, new Random(Mix(rootSeed, Purpose.LeafOrder, index / order.Length)));
            yield return Product(index, leaves[order[slot]]);
        }
    }

    GeneratedProduct Product(int index, LeafCategory leaf)
    {
        var rng = new Random(Mix(rootSeed, Purpose.Product, index));
        var profile = leaf.Profile;
        var department = leaf.Department;

        var createdAt = WindowEnd.AddSeconds(-rng.Next(1, WindowSeconds + 1));
        var brand = Pick(rng, department.Brands);
        var name = Name(rng, profile, brand);
        var material = Pick(rng, profile.Materials);
        var description = Describe(rng, department, profile, material);
        var attributes = Attributes(rng, department.Kind, profile, material);
        var variants = Variants(rng, profile, index);
        var reviews = Reviews(rng, department, createdAt);
        var imageCount = rng.Next(1, 4);

        var id = Uuid7(createdAt, IdKind.Product, index, Mix64(rootSeed, Purpose.ProductId, index));
        var slug = Kebab(name) + "-" + index.ToString(CultureInfo.InvariantCulture);
        return new GeneratedProduct(id, slug, name, description, brand, leaf.Id, attributes, Currency, variants, reviews, imageCount, createdAt);
    }

    static string Name(Random rng, Profile profile, string brand) => profile.Style switch
    {
        NameStyle.Book => "The " + Pick(rng, BookAdjectives) + " " + Pick(rng, profile.Descriptors) + ": " + Pick(rng, profile.Nouns),
        NameStyle.Guide => Pick(rng, profile.Descriptors) + ": " + Pick(rng, profile.Nouns),
        _ => NamedProduct(rng, profile, brand),
    };

    static string NamedProduct(Random rng, Profile profile, string brand)
    {
        var model = Pick(rng, ModelWords) + Pick(rng, ModelSuffixes);
        var descriptor = rng.Next(100) < 60 ? Pick(rng, profile.Descriptors) + " " : "";
        return brand + " " + model + " " + descriptor + Pick(rng, profile.Nouns);
    }

    static string Describe(Random rng, Department department, Profile profile, string material)
    {
        var sentences = new List<string>(4)
        {
            Pick(rng, department.Leads).Replace("{material}", material).Replace("{feature}", Pick(rng, profile.Features)),
            Pick(rng, department.Usages).Replace("{use}", Pick(rng, profile.Uses)),
        };
        sentences.AddRange(PickDistinct(rng, department.Extras, rng.Next(0, 3)));
        return string.Join(' ', sentences);
    }

    static Dictionary<string, string> Attributes(Random rng, DepartmentKind kind, Profile profile, string material)
    {
        var attributes = new Dictionary<string, string>();
        switch (kind)
        {
            case DepartmentKind.Clothing:
                attributes["material"] = Capitalise(material);
                attributes["season"] = Pick(rng, Seasons);
                attributes["fit"] = Pick(rng, Fits);
                attributes["care"] = Pick(rng, FabricCare);
                break;
            case DepartmentKind.Shoes:
                attributes["material"] = Capitalise(material);
                attributes["season"] = Pick(rng, Seasons);
                attributes["width"] = rng.Next(100) < 80 ? "Standard" : "Wide";
                break;
            case DepartmentKind.Sports:
                attributes["material"] = Capitalise(material);
                attributes["warranty"] = Pick(rng, Warranties);
                break;
            case DepartmentKind.Home:
                attributes["material"] = Capitalise(material);
                attributes["care"] = Pick(rng, HomeCare);
                attributes["madeIn"] = Pick(rng, Countries);
                break;
            case DepartmentKind.Electronics:
                attributes["material"] = Capitalise(material);
                attributes["warranty"] = Pick(rng, Warranties);
                break;
            case DepartmentKind.Books:
                attributes["author"] = Pick(rng, FirstNames) + " " + Pick(rng, Surnames);
                attributes["pages"] = (profile.Code == "KID" ? rng.Next(24, 49) : rng.Next(160, 641)).ToString(CultureInfo.InvariantCulture);
                attributes["language"] = "English";
                attributes["published"] = rng.Next(2015, 2027).ToString(CultureInfo.InvariantCulture);
                break;
            case DepartmentKind.Beauty:
                attributes["keyIngredient"] = Capitalise(material);
                attributes["skinType"] = Pick(rng, SkinTypes);
                attributes["vegan"] = rng.Next(100) < 60 ? "Yes" : "No";
                break;
            case DepartmentKind.Toys:
                attributes["material"] = Capitalise(material);
                attributes["ageRange"] = Pick(rng, AgeRanges);
                break;
        }
        return attributes;
    }

    static List<GeneratedVariant> Variants(Random rng, Profile profile, int index)
    {
        var span = profile.MaxEuros - profile.MinEuros;
        // The cheaper of two draws skews prices low, as in real catalogues; prices end in .99.
        long baseEuros = profile.MinEuros + Math.Min(rng.Next(span + 1), rng.Next(span + 1));
        var basePrice = Math.Clamp(baseEuros * 100 - 1, MinPrice, MaxPrice);
        var baseGrams = rng.Next(profile.MinGrams, profile.MaxGrams + 1);
        var salePercent = rng.Next(100) < 20 ? rng.Next(10, 41) : 0;

        var axes = profile.Axes;
        var picks = new int[axes.Length][];
        var total = 1;
        for (var a = 0; a < axes.Length; a++)
        {
            // Two axes (size × colour) make at most 3 × 2 = 6 variants; one axis at most 6.
            var limit = axes.Length == 1 ? 6 : a == 0 ? 3 : 2;
            picks[a] = ChooseValues(rng, axes[a], rng.Next(1, Math.Min(limit, axes[a].Values.Length) + 1));
            total *= picks[a].Length;
        }

        var prefix = profile.Code + "-" + index.ToString("D6", CultureInfo.InvariantCulture);
        var variants = new List<GeneratedVariant>(total);
        for (var v = 0; v < total; v++)
        {
            var options = new Dictionary<string, string>(axes.Length);
            var sku = new StringBuilder(prefix, 32);
            var pricePercent = 0;
            var weightPercent = 0;
            var rest = v;
            for (var a = 0; a < axes.Length; a++)
            {
                var step = rest % picks[a].Length;
                rest /= picks[a].Length;
                var valueIndex = picks[a][step];
                var (value, code) = axes[a].Values[valueIndex];
                options[axes[a].Key] = value;
                sku.Append('-').Append(code);
                if (axes[a].ScalesPrice && picks[a].Length > 1)
                    pricePercent += MaxVariantMarkupPercent * step / (picks[a].Length - 1);
                if (axes[a].Ordered)
                    weightPercent += 3 * valueIndex;
            }

            // Whole-euro markups keep the .99 endings and keep every variant within 18% of the cheapest.
            var markup = basePrice * Math.Min(pricePercent, MaxVariantMarkupPercent) / 100 / 100 * 100;
            var price = Math.Min(MaxPrice, basePrice + markup);
            long? compareAt = salePercent > 0 ? RoundTo99(price + price * salePercent / 100) : null;
            var weight = (int)((long)baseGrams * (100 + weightPercent) / 100);
            variants.Add(new GeneratedVariant(sku.ToString(), options, price, compareAt, weight, OnHand(rng)));
        }
        return variants;
    }

    static int[] ChooseValues(Random rng, Axis axis, int count) => axis.Ordered
        ? Enumerable.Range(rng.Next(axis.Values.Length - count + 1), count).ToArray()
        : PickIndices(rng, axis.Values.Length, count);

    // About 8% out of stock and 10% low (1–5), so stock badges and sold-out filters have something to show.
    static int OnHand(Random rng) => rng.Next(100) switch
    {
        < 8 => 0,
        < 18 => rng.Next(1, 6),
        _ => rng.Next(6, 121),
    };

    List<GeneratedReview> Reviews(Random rng, Department department, DateTimeOffset productCreatedAt)
    {
        var count = rng.Next(0, 9);
        var reviewers = new List<int>(count);
        var reviews = new List<GeneratedReview>(count);
        var secondsToEnd = (int)((WindowEnd - productCreatedAt).Ticks / TimeSpan.TicksPerSecond);
        while (reviews.Count < count)
        {
            var reviewer = rng.Next(ReviewerCount);
            // The schema allows one review per customer per product.
            if (reviewers.Contains(reviewer))
                continue;
            reviewers.Add(reviewer);

            var rating = Rating(rng);
            var title = Pick(rng, ReviewTitles[rating - 1]);
            var pool = rating >= 4 ? department.PraisePool : rating == 3 ? NeutralLines : NegativeLines;
            var body = string.Join(' ', PickDistinct(rng, pool, rng.Next(1, 4)));
            var offset = secondsToEnd > 3_600 ? rng.Next(3_600, secondsToEnd + 1) : secondsToEnd;
            reviews.Add(new GeneratedReview(ReviewerId(reviewer), ReviewerName(reviewer), rating, title, body, productCreatedAt.AddSeconds(offset)));
        }
        reviews.Sort((x, y) => x.CreatedAt.CompareTo(y.CreatedAt));
        return reviews;
    }

    // Skewed toward 4 and 5 stars (mean about 4.0), like real shop reviews.
    static int Rating(Random rng) => rng.Next(100) switch
    {
        < 5 => 1,
        < 12 => 2,
        < 25 => 3,
        < 55 => 4,
        _ => 5,
    };

    static CategoryTree BuildTree(int treeSeed)
    {
        var categories = new List<GeneratedCategory>();
        var leaves = new List<LeafCategory>();

        // Pre-order, so a parent always precedes its children and can be inserted first.
        void Add(string name, Profile? profile, Node[] children, Guid? parentId, int position, Department department)
        {
            var index = categories.Count;
            var id = Uuid7(WindowStart, IdKind.Category, index, Mix64(treeSeed, Purpose.CategoryId, index));
            categories.Add(new GeneratedCategory(id, parentId, Kebab(name), name, position));
            if (profile is not null)
                leaves.Add(new LeafCategory(id, department, profile));
            for (var i = 0; i < children.Length; i++)
                Add(children[i].Name, children[i].Profile, children[i].Children, id, i, department);
        }

        for (var d = 0; d < Departments.Length; d++)
            Add(Departments[d].Name, null, Departments[d].Children, null, d, Departments[d]);
        return new CategoryTree(categories.AsReadOnly(), leaves.AsReadOnly());
    }

    static Guid Uuid7(DateTimeOffset timestamp, IdKind kind, int index, ulong entropy)
    {
        // UUIDv7 shape (ms timestamp, version 7, variant 10); kind nibble plus index in the last bytes make ids unique by construction.
        Span<byte> bytes = stackalloc byte[16];
        var milliseconds = timestamp.ToUnixTimeMilliseconds();
        for (var i = 0; i < 6; i++)
            bytes[i] = (byte)(milliseconds >> (40 - 8 * i));
        bytes[6] = (byte)(0x70 | (int)kind);
        bytes[7] = (byte)entropy;
        bytes[8] = (byte)(0x80 | (int)((entropy >> 8) & 0x3F));
        bytes[9] = (byte)(entropy >> 16);
        bytes[10] = (byte)(entropy >> 24);
        bytes[11] = (byte)(entropy >> 32);
        BinaryPrimitives.WriteInt32BigEndian(bytes[12..], index);
        return new Guid(bytes, bigEndian: true);
    }

    // SplitMix64 finaliser: a fixed, platform-independent mix of seed, purpose and index.
    static ulong Mix64(int mixSeed, Purpose purpose, int index)
    {
        unchecked
        {
            var z = ((ulong)(uint)mixSeed << 32 | (uint)index) ^ ((ulong)purpose * 0xD1B54A32D192ED03UL);
            z += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    static int Mix(int mixSeed, Purpose purpose, int index) => (int)(Mix64(mixSeed, purpose, index) >> 33);

    static long RoundTo99(long cents) => cents / 100 * 100 + 99;

    static T Pick<T>(Random rng, T[] items) => items[rng.Next(items.Length)];

    static IEnumerable<T> PickDistinct<T>(Random rng, T[] items, int count) =>
        PickIndices(rng, items.Length, Math.Min(count, items.Length)).Select(i => items[i]);

    static int[] PickIndices(Random rng, int length, int count)
    {
        var indices = Enumerable.Range(0, length).ToArray();
        for (var i = 0; i < count; i++)
        {
            var j = rng.Next(i, length);
            (indices[i], indices[j]) = (indices[j], indices[i]);
        }
        return indices[..count];
    }

    static void Shuffle(int[] order, Random rng)
    {
        for (var i = 0; i < order.Length; i++)
            order[i] = i;
        for (var i = order.Length - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }

    static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    static string Kebab(string text)
    {
        var slug = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c == '\'')
                continue;
            var lower = char.ToLowerInvariant(c);
            if (lower is >= 'a' and <= 'z' or >= '0' and <= '9')
                slug.Append(lower);
            else if (slug.Length > 0 && slug[^1] != '-')
                slug.Append('-');
        }
        while (slug.Length > 0 && slug[^1] == '-')
            slug.Length--;
        return slug.ToString();
    }

    enum Purpose : ulong { CategoryId = 1, LeafOrder, Product, ProductId, ReviewerId, ReviewerName }

    enum IdKind { Category = 1, Product = 2, Reviewer = 3 }

    enum DepartmentKind { Clothing, Shoes, Sports, Home, Electronics, Books, Beauty, Toys }

    enum NameStyle { Product, Book, Guide }

    sealed record CategoryTree(IReadOnlyList<GeneratedCategory> Categories, IReadOnlyList<LeafCategory> Leaves);

    sealed record LeafCategory(Guid Id, Department Department, Profile Profile);

    sealed record Axis(string Key, bool Ordered, bool ScalesPrice, (string Value, string Code)[] Values);

    sealed record Profile(
        string Code, string[] Nouns, string[] Descriptors, string[] Materials, string[] Features, string[] Uses,
        int MinEuros, int MaxEuros, int MinGrams, int MaxGrams, Axis[] Axes, NameStyle Style);

    sealed record Node(string Name, Profile? Profile, Node[] Children);

    sealed record Department(
        DepartmentKind Kind, string Name, string[] Brands, string[] Leads, string[] Usages, string[] Extras, string[] Praise,
        Node[] Children)
    {
        public string[] PraisePool { get; } = [.. PositiveLines, .. Praise];
    }

    static string[] S(string list) => list.Split('|');

    static Node Group(string name, params Node[] children) => new(name, null, children);

    static Node Leaf(
        string name, string code, string nouns, string descriptors, string materials, string features, string uses,
        (int Min, int Max) euros, (int Min, int Max) grams, Axis[] axes, NameStyle style = NameStyle.Product) =>
        new(name, new Profile(code, S(nouns), S(descriptors), S(materials), S(features), S(uses),
            euros.Min, euros.Max, grams.Min, grams.Max, axes, style), []);

    static Axis OrderedAxis(string key, bool scalesPrice, string values) => new(key, true, scalesPrice, Values(values));

    static Axis UnorderedAxis(string key, string values) => new(key, false, false, Values(values));

    // "Value:CODE" pairs; a bare value is its own SKU code.
    static (string, string)[] Values(string list) => S(list)
        .Select(item => item.Split(':') is [var value, var code] ? (value, code) : (item, item))
        .ToArray();

    // Static data below is initialised in textual order: vocabulary and axes must stay above Departments.

    static readonly string[] FirstNames = S(
        "Anna|Ben|Chloe|Daniel|Elena|Farah|Georg|Hannah|Ivan|Julia|Kai|Lena|Marco|Nadia|Oscar|Priya|Quentin|Rosa|Samir|" +
        "Tessa|Ulrich|Vera|Wei|Yara|Zoe|Amelie|Bruno|Clara|Diego|Emma|Felix|Greta|Hugo|Ines|Jonas|Katja|Luca|Mila|Noah|Olga");
    static readonly string[] Initials = S("A|B|C|D|E|F|G|H|J|K|L|M|N|O|P|R|S|T|V|W");
    static readonly string[] Surnames = S(
        "Aldridge|Brennan|Castell|Delacroix|Eriksen|Fontaine|Gallagher|Halloran|Ivers|Jansen|Kowalski|Lindqvist|Moreau|" +
        "Novak|Okafor|Petrov|Quinlan|Rinaldi|Sato|Thornbury|Varga|Weller");
    static readonly string[] ModelWords = S(
        "Vela|Orin|Talus|Scree|Corrie|Ember|Drift|Solstice|Meridian|Cirrus|Fjord|Larch|Basalt|Tundra|Halcyon|Strand|" +
        "Cadence|Arc|Fennec|Marlow|Sorrel|Alder|Quill|Beacon|Juniper|Slate|Wren|Lumen|Aster|Brook");
    // Blank twice so about a fifth of models carry no suffix.
    static readonly string[] ModelSuffixes = ["", "", " 2", " 3", " 4", " Pro", " Lite", " Plus", " Max"];
    static readonly string[] BookAdjectives = S("Quiet|Silver|Last|Hidden|Winter|Northern|Paper|Glass|Distant|Salt|Midnight|Golden|Little|Long");
    static readonly string[] Seasons = S("All Season|Spring/Summer|Autumn/Winter");
    static readonly string[] Fits = S("Regular|Slim|Relaxed|Oversized");
    static readonly string[] FabricCare = S("Machine wash cold|Machine wash 30|Hand wash|Dry clean only");
    static readonly string[] HomeCare = S("Dishwasher safe|Hand wash recommended|Wipe clean|Machine washable");
    static readonly string[] Countries = S("Portugal|Italy|Poland|Spain|Turkey|India|Vietnam|Lithuania");
    static readonly string[] Warranties = S("1 year|2 years|3 years|5 years");
    static readonly string[] SkinTypes = S("All skin types|Dry|Oily|Combination|Sensitive");
    static readonly string[] AgeRanges = S("0+|3+|5+|8+|12+");

    static readonly string[][] ReviewTitles =
    [
        S("Would not recommend|Poor quality|Sent it back|Very disappointed"),
        S("Disappointed|Not great|Expected more|Not for me"),
        S("Decent but not perfect|Does the job|Mixed feelings|OK for the price"),
        S("Really good|Very happy|Solid choice|Great value|Almost perfect"),
        S("Love it|Exactly as described|Brilliant quality|Would buy again|Five stars|Better than expected|Highly recommend"),
    ];
    static readonly string[] PositiveLines = S(
        "Arrived quickly and well packaged.|Great quality for the price.|Exactly what I was looking for.|" +
        "I have already recommended it to friends.|Would happily buy from this brand again.|Looks and feels premium.");
    static readonly string[] NeutralLines = S(
        "It is fine, but nothing special.|Good quality, but delivery took longer than expected.|" +
        "Does what it says, though it feels a little overpriced.|Not quite what I expected from the photos.|" +
        "Some small flaws, but I am keeping it.");
    static readonly string[] NegativeLines = S(
        "Quality is not what I expected for the price.|Started to wear out after a few weeks.|" +
        "The photos made it look much better than it is.|Customer service was helpful, but I returned it.|" +
        "Not worth the money in my opinion.");

    static readonly Axis ApparelSize = OrderedAxis("size", false, "XS|S|M|L|XL|XXL");
    static readonly Axis ShoeSize = OrderedAxis("size", false, "36|37|38|39|40|41|42|43|44|45|46|47");
    static readonly Axis GearSize = OrderedAxis("size", false, "S|M|L");
    static readonly Axis Colour = UnorderedAxis("colour",
        "Black:BLK|White:WHT|Navy:NVY|Grey:GRY|Red:RED|Forest Green:GRN|Cobalt Blue:BLU|Sand:SND|Olive:OLV|Burgundy:BRG|" +
        "Orange:ORG|Teal:TEA|Dusty Pink:PNK|Mustard:MUS");
    static readonly Axis Finish = UnorderedAxis("colour",
        "Black:BLK|White:WHT|Graphite:GPH|Silver:SLV|Sand:SND|Sage:SGE|Midnight Blue:MNB|Terracotta:TRC");
    static readonly Axis Storage = OrderedAxis("capacity", true, "32 GB:32G|64 GB:64G|128 GB:128G|256 GB:256G|512 GB:512G|1 TB:1T");
    static readonly Axis Litres = OrderedAxis("capacity", true, "0.5 L:05L|0.75 L:075L|1 L:1L|1.5 L:15L");
    static readonly Axis Millilitres = OrderedAxis("size", true, "15 ml:15ML|30 ml:30ML|50 ml:50ML|100 ml:100ML|200 ml:200ML");
    static readonly Axis Diameter = OrderedAxis("diameter", true, "20 cm:20CM|24 cm:24CM|28 cm:28CM|32 cm:32CM");
    static readonly Axis BedSize = OrderedAxis("size", true, "Single:SGL|Double:DBL|King:KNG|Super King:SKG");
    static readonly Axis TentCapacity = OrderedAxis("capacity", true, "1-person:1P|2-person:2P|3-person:3P|4-person:4P");
    static readonly Axis BagLength = OrderedAxis("length", true, "Regular:REG|Long:LNG");
    static readonly Axis Resistance = OrderedAxis("resistance", true, "Light:LGT|Medium:MED|Heavy:HVY|Extra Heavy:XHV");
    static readonly Axis Pieces = OrderedAxis("pieces", true, "500:500P|1000:1000P|1500:1500P");
    static readonly Axis PlushSize = OrderedAxis("size", true, "Small:S|Medium:M|Large:L");
    static readonly Axis Shade = UnorderedAxis("shade", "Porcelain:PRC|Ivory:IVR|Beige:BEI|Honey:HNY|Caramel:CRM|Espresso:ESP");
    static readonly Axis Format = OrderedAxis("format", true, "Paperback:PB|Hardcover:HC");

    static readonly Department[] Departments =
    [
        new(DepartmentKind.Clothing, "Clothing", S("Aldenmoor|Wrenfield|Ferrovale|Tarnbeck|Skarvik"),
            S("Made from {material} with {feature}.|Cut from {material} and finished with {feature}.|Crafted in {material}, with {feature}."),
            S("Designed {use}.|An easy choice {use}.|Perfect {use}."),
            S("Machine washable at low temperatures.|Pre-washed to keep its shape and size.|" +
              "Made in a factory audited for fair working conditions.|Our model is 1.78 m tall and wears size M."),
            S("Fits true to size.|The fabric feels lovely and has held up well in the wash.|The colour is exactly as pictured."),
            [
                Group("Women's Clothing",
                    Leaf("Dresses", "DRS", "Wrap Dress|Midi Dress|Shirt Dress|Knitted Dress", "Relaxed|Belted|Tiered|Everyday",
                        "lyocell|organic cotton|linen|viscose crepe", "hidden side pockets|a tie waist|covered buttons|a soft jersey lining",
                        "for warm city days|for weddings and weekend lunches|from the office to dinner", (35, 129), (250, 500), [ApparelSize, Colour]),
                    Leaf("Women's Tops", "WTP", "Blouse|T-Shirt|Tank Top|Long Sleeve Top", "Boxy|Fitted|Ribbed|Classic",
                        "organic cotton|linen|modal jersey|recycled polyester", "a curved hem|dropped shoulders|mother-of-pearl buttons|flat-lock seams",
                        "for layering through the seasons|for everyday wear|for warm summer evenings", (15, 69), (120, 260), [ApparelSize, Colour])),
                Group("Men's Clothing",
                    Leaf("Men's Shirts", "MSH", "Oxford Shirt|Flannel Shirt|Linen Shirt|Overshirt", "Slim Fit|Regular Fit|Brushed|Garment-Dyed",
                        "organic cotton|brushed cotton flannel|linen|cotton twill", "a button-down collar|reinforced chest pockets|a longer back hem|horn-effect buttons",
                        "for the office and the weekend|for cool autumn days|for layering over a T-shirt", (29, 99), (220, 420), [ApparelSize, Colour]),
                    Leaf("Men's Trousers", "MTR", "Chinos|Cargo Trousers|Tapered Jeans|Corduroy Trousers", "Slim|Straight Leg|Relaxed|Stretch",
                        "cotton twill|selvedge denim|stretch cotton|needlecord corduroy", "a gusseted crotch|deep front pockets|a button fly|a hidden coin pocket",
                        "for long days on your feet|for everyday wear|for travel and commuting", (39, 129), (400, 750), [ApparelSize, Colour])),
                Leaf("Jackets & Coats", "JKT", "Rain Jacket|Puffer Jacket|Wool Coat|Softshell Jacket|Parka", "Waterproof|Insulated|Packable|Hooded|Lightweight",
                    "recycled nylon|waxed cotton|boiled wool|recycled polyester ripstop", "taped seams|an adjustable storm hood|two-way zips|recycled down insulation",
                    "for wet commutes|for winter walks|for hillwalking and city days alike", (69, 349), (350, 1400), [ApparelSize, Colour]),
                Leaf("Knitwear", "KNT", "Crew Neck Jumper|Cardigan|Roll Neck Jumper|Cable Knit Sweater", "Chunky|Soft|Oversized|Classic",
                    "merino wool|lambswool|organic cotton|alpaca blend", "ribbed cuffs and hem|saddle shoulders|a relaxed drop shoulder|reinforced elbows",
                    "for chilly evenings|for layering under a coat|for cosy weekends", (39, 159), (300, 700), [ApparelSize, Colour]),
                Leaf("Activewear", "ACT", "Running Tights|Training T-Shirt|Sports Bra|Track Jacket|Running Shorts", "Seamless|Breathable|Quick-Dry|High-Waisted",
                    "recycled polyester|nylon-elastane blend|merino tech jersey|moisture-wicking mesh", "a zipped back pocket|reflective details|flat-lock seams|four-way stretch",
                    "for the gym and the track|for long runs|for yoga and studio classes", (19, 89), (120, 320), [ApparelSize, Colour]),
            ]),

        new(DepartmentKind.Shoes, "Shoes", S("Stridewell|Quellrun|Hollowfell|Tarnbeck|Ferrovale"),
            S("Features {material} with {feature}.|Made with {material} and {feature}.|Pairs {material} with {feature}."),
            S("Designed {use}.|Built {use}.|A dependable pair {use}."),
            S("True to size; go half a size up if you are between sizes.|The removable insole makes room for orthotics.|" +
              "Comes with a spare set of laces.|Wipe clean with a damp cloth and let dry naturally."),
            S("True to size and comfortable from day one.|Plenty of room in the toe box.|Still look new after months of wear."),
            [
                Group("Running Shoes",
                    Leaf("Road Running", "RUN", "Road Running Shoes|Running Shoes|Marathon Running Shoes|Tempo Running Shoes",
                        "Lightweight|Cushioned|Responsive|Stability|Neutral", "engineered mesh|recycled knit|breathable jacquard mesh",
                        "a springy foam midsole|a durable rubber outsole|a padded heel collar|an 8 mm heel-to-toe drop|a reflective heel tab",
                        "for daily miles on tarmac|for tempo runs and race day|for half-marathon training", (59, 189), (220, 320), [ShoeSize, Colour]),
                    Leaf("Trail Running", "TRL", "Trail Running Shoes|Mountain Running Shoes|Fell Running Shoes",
                        "Grippy|Waterproof|Lightweight|Rock-Plated|Cushioned", "abrasion-resistant mesh|recycled ripstop mesh|waterproof knit",
                        "5 mm lugs for mud and loose rock|a protective toe cap|a rock plate underfoot|a gusseted tongue that keeps grit out",
                        "for muddy trails and long mountain runs|for technical descents|for ultra-distance trail races", (79, 199), (260, 360), [ShoeSize, Colour]),
                    Leaf("Track & Spikes", "TRK", "Sprint Running Shoes|Cross Country Running Shoes|Middle Distance Running Shoes",
                        "Featherweight|Spiked|Responsive", "thin monomesh|synthetic suede|lightweight knit",
                        "a rigid nylon spike plate|removable 6 mm spikes|a sock-like fit",
                        "for the 800 m to 5,000 m|for muddy cross country courses|for sprint sessions on the track", (49, 149), (140, 230), [ShoeSize, Colour])),
                Leaf("Hiking Boots", "HIK", "Hiking Boots|Walking Boots|Mid Hiking Boots|Backpacking Boots", "Waterproof|Rugged|Lightweight|All-Terrain",
                    "full-grain leather|nubuck leather|recycled polyester mesh|suede and mesh",
                    "a waterproof breathable membrane|a grippy lugged outsole|a padded ankle collar|speed-lacing hooks",
                    "for day hikes and long-distance trails|for rocky mountain paths|for wet, muddy walks", (79, 249), (700, 1300), [ShoeSize, Colour]),
                Leaf("Sneakers", "SNK", "Sneakers|Court Sneakers|Low-Top Trainers|High-Top Sneakers", "Classic|Retro|Minimal|Everyday",
                    "organic cotton canvas|smooth leather|recycled suede|vegan leather",
                    "a vulcanised rubber sole|a cushioned footbed|tonal stitching|a padded tongue",
                    "for everyday city wear|for weekends and travel|to pair with jeans or chinos", (39, 139), (500, 900), [ShoeSize, Colour]),
                Leaf("Sandals", "SDL", "Sandals|Sport Sandals|Slides|Strappy Sandals", "Adjustable|Cushioned|Lightweight|Everyday",
                    "vegetable-tanned leather|recycled webbing|natural cork|EVA foam",
                    "a contoured cork footbed|quick-release buckles|a grippy rubber sole|adjustable straps",
                    "for summer holidays|for river crossings and beach days|for hot city days", (19, 99), (300, 700), [ShoeSize, Colour]),
                Leaf("Formal Shoes", "FRM", "Derby Shoes|Oxford Shoes|Loafers|Chelsea Boots", "Classic|Polished|Hand-Finished|Heritage",
                    "calf leather|suede|patent leather|burnished leather",
                    "a leather sole|a stacked heel|a cushioned leather insole|a resoleable welted construction",
                    "for weddings and the office|for smart evenings out|for everyday smart wear", (79, 249), (800, 1200), [ShoeSize, Colour]),
            ]),

        new(DepartmentKind.Sports, "Sports & Outdoors", S("Hollowfell|Quellrun|Skarvik|Stridewell|Tarnbeck"),
            S("Made from {material} with {feature}.|Built from {material} and fitted with {feature}.|Combines {material} with {feature}."),
            S("Designed {use}.|Tested {use}.|Ready {use}."),
            S("Covered by a two-year warranty.|Packs down small enough for a daypack.|" +
              "Field-tested by our team in the Alps and the Scottish Highlands.|Spare parts are available for years after purchase."),
            S("Held up brilliantly on a wet weekend.|Light enough that I forget I am carrying it.|Well made and easy to use."),
            [
                Group("Camping",
                    Leaf("Tents", "TNT", "Backpacking Tent|Dome Tent|Tunnel Tent|Ultralight Tent", "Freestanding|Four-Season|Lightweight|Quick-Pitch",
                        "silicone-coated ripstop nylon|polyester taffeta|recycled ripstop polyester",
                        "colour-coded aluminium poles|two doors and two porches|a fully taped groundsheet|a mesh inner for ventilation",
                        "for wild camping and long-distance hikes|for family weekends at the campsite|for bikepacking trips", (99, 499), (1200, 4500), [TentCapacity]),
                    Leaf("Sleeping Bags", "SLB", "Sleeping Bag|Mummy Sleeping Bag|Camping Sleeping Bag|Trekking Sleeping Bag", "Three-Season|Compact|Ultralight|Warm-Weather",
                        "responsibly sourced duck down|recycled synthetic fill|water-resistant ripstop nylon",
                        "a draught collar|a full-length two-way zip|a compression stuff sack|a shaped foot box",
                        "for spring to autumn camping|for alpine huts and cold nights|for festivals and sleepovers", (49, 349), (700, 1600), [BagLength]),
                    Leaf("Camp Kitchen", "CMP", "Camping Stove|Cook Set|Insulated Mug|Camp Kettle", "Compact|Nesting|Lightweight|Hard-Anodised",
                        "hard-anodised aluminium|titanium|stainless steel", "a push-button igniter|folding handles|a mesh storage bag|a built-in wind shield",
                        "for brewing up at camp|for backpacking meals|for van life and picnics", (15, 119), (150, 900), [])),
                Group("Cycling",
                    Leaf("Bike Helmets", "HLM", "Road Bike Helmet|Commuter Helmet|Mountain Bike Helmet", "Ventilated|Lightweight|Aero|Urban",
                        "in-moulded EPS foam|polycarbonate|recycled EPS foam", "a rotational impact liner|a magnetic buckle|an integrated rear light|a dial fit system",
                        "for road rides and sportives|for daily commuting|for trail centres and enduro days", (39, 199), (250, 450), [GearSize, Colour]),
                    Leaf("Bike Lights", "LIT", "Front Bike Light|Rear Bike Light|Bike Light Set", "Rechargeable|USB-C|Bright|Compact",
                        "machined aluminium|weatherproof polycarbonate|glass-filled nylon", "a 1000-lumen beam|a daytime flash mode|a quick-release mount|a battery level indicator",
                        "for dark winter commutes|for night rides on country lanes|to be seen in city traffic", (15, 129), (60, 220), [])),
                Group("Fitness",
                    Leaf("Yoga Mats", "YGA", "Yoga Mat|Travel Yoga Mat|Exercise Mat", "Non-Slip|Extra Thick|Foldable|Cushioned",
                        "natural tree rubber|cork|recycled TPE", "alignment lines|a carrying strap|a sweat-resistant top layer|a 6 mm cushioned core",
                        "for hot yoga and pilates|for home workouts|for travelling yogis", (19, 119), (900, 2500), [Colour]),
                    Leaf("Resistance Bands", "RSB", "Resistance Band|Loop Band Set|Pull-Up Band", "Heavy-Duty|Stackable|Colour-Coded|Durable",
                        "natural latex|woven fabric|TPE", "a non-slip inner grip|a carry pouch|printed resistance levels",
                        "for strength training at home|for physio and mobility work|for assisted pull-ups", (9, 49), (80, 400), [Resistance])),
                Leaf("Running Gear", "RGR", "Hydration Vest|Running Belt|Running Cap|Head Torch", "Lightweight|Reflective|Bounce-Free|Breathable",
                    "stretch mesh|recycled nylon|quick-dry polyester", "two soft flasks|a zipped phone pocket|reflective trim|a sweat-wicking headband",
                    "for trail races and long runs|for evening runs in the city|for carrying gels and keys", (12, 129), (40, 400), [Colour]),
                Leaf("Water Bottles", "BTL", "Insulated Water Bottle|Sports Bottle|Vacuum Flask", "Leak-Proof|Double-Walled|Lightweight|BPA-Free",
                    "stainless steel|BPA-free plastic|recycled stainless steel", "a one-hand flip lid|a wide mouth for ice cubes|a carry loop|a powder-coated finish",
                    "for the gym, office and trail|for keeping drinks cold all day|for cycling and running", (9, 49), (200, 500), [Litres]),
            ]),

        new(DepartmentKind.Home, "Home & Kitchen", S("Hearthmere|Oakhollow|Saltmarrow|Linden Lane"),
            S("Made from {material} with {feature}.|Crafted from {material}, with {feature}.|Combines {material} and {feature}."),
            S("Designed {use}.|Ideal {use}.|Just right {use}."),
            S("Packaged without single-use plastic.|Each piece is checked by hand before it ships.|" +
              "Backed by a generous guarantee.|Designed in our studio and made by a family-run workshop."),
            S("Looks even better in person.|Beautifully made and easy to clean.|Feels solid and well finished."),
            [
                Group("Cookware",
                    Leaf("Frying Pans", "PAN", "Frying Pan|Skillet|Wok|Griddle Pan", "Everyday|Professional|Heavy-Duty|Induction",
                        "pre-seasoned cast iron|carbon steel|tri-ply stainless steel|hard-anodised aluminium with a ceramic non-stick coating",
                        "a stay-cool handle|an induction-ready base|a pouring lip on both sides|an oven-safe build",
                        "for searing steaks and frying eggs|for weeknight stir-fries|for everyday cooking on any hob", (19, 149), (900, 3000), [Diameter]),
                    Leaf("Saucepans", "SCP", "Saucepan|Stockpot|Casserole Dish|Milk Pan", "Lidded|Heavy-Based|Everyday|Professional",
                        "enamelled cast iron|tri-ply stainless steel|copper-clad stainless steel",
                        "a tight-fitting glass lid|measuring marks inside|an encapsulated base for even heat|riveted handles",
                        "for soups, stews and sauces|for slow-cooked weekend braises|for boiling pasta and potatoes", (24, 199), (900, 4500), [Diameter])),
                Leaf("Coffee & Tea", "COF", "French Press|Pour-Over Kettle|Teapot|Coffee Grinder|Cold Brew Maker", "Classic|Double-Walled|Manual|Compact",
                    "borosilicate glass|brushed stainless steel|stoneware|ceramic and steel", "a fine mesh filter|a thermometer in the lid|a stay-cool handle|a drip-free spout",
                    "for a slow morning brew|for loose-leaf tea|for the perfect pour-over", (19, 149), (400, 1500), [Litres]),
                Leaf("Bedding", "BED", "Duvet Cover Set|Fitted Sheet|Pillowcase Pair|Flat Sheet", "Soft|Breathable|Luxury|Everyday",
                    "stonewashed linen|organic cotton percale|cotton sateen|brushed cotton flannel",
                    "hidden button closures|deep-pocket corners|an envelope closure|a 300 thread count weave",
                    "for cool, restful nights|for year-round comfort|for guest rooms and holiday homes", (25, 229), (500, 2200), [BedSize, Finish]),
                Leaf("Lighting", "LMP", "Table Lamp|Floor Lamp|Pendant Light|Desk Lamp", "Adjustable|Dimmable|Sculptural|Minimalist",
                    "powder-coated steel|hand-blown glass|natural rattan|oak veneer", "a braided fabric cable|a touch dimmer|a weighted base|an E27 bulb holder",
                    "for reading corners|for a warm glow in the living room|for home offices", (29, 249), (800, 6000), [Finish]),
                Leaf("Tableware", "TBW", "Dinner Plate Set|Pasta Bowl Set|Mug Set|Serving Platter", "Rustic|Modern|Speckled|Handmade",
                    "glazed stoneware|porcelain|recycled glass|earthenware",
                    "a reactive glaze that makes every piece unique|a matte speckled finish|stackable shapes|a raw clay foot",
                    "for everyday dinners|for entertaining friends|for long weekend brunches", (19, 129), (800, 4500), [Finish]),
            ]),

        new(DepartmentKind.Electronics, "Electronics", S("Volticor|Auralith|Pixelmoor|Halvard"),
            S("Housed in {material} with {feature}.|Built from {material} and packed with {feature}.|Combines {material} with {feature}."),
            S("Designed {use}.|Made {use}.|Ideal {use}."),
            S("Ships with a USB-C cable and no charger, to cut waste.|Firmware updates arrive automatically through the companion app.|" +
              "Covered by a two-year warranty.|Comes in fully recyclable packaging."),
            S("Feels really well built.|Set up in under five minutes.|Does exactly what it promises."),
            [
                Leaf("Headphones", "HPH", "Wireless Headphones|Noise-Cancelling Headphones|True Wireless Earbuds|Sport Earbuds", "Over-Ear|Lightweight|Foldable|Studio",
                    "recycled aluminium|soft vegan leather|matte polycarbonate", "active noise cancellation|40 hours of battery life|multipoint pairing|fast USB-C charging",
                    "for commutes and flights|for long work-from-home days|for workouts and runs", (29, 349), (40, 320), [Finish]),
                Leaf("Speakers", "SPK", "Portable Speaker|Smart Speaker|Bookshelf Speakers|Soundbar", "Waterproof|Compact|Wireless|Stereo",
                    "recycled fabric|anodised aluminium|real wood veneer", "a 20-hour battery|an IP67 waterproof rating|stereo pairing|a built-in microphone",
                    "for garden parties|for filling the living room with sound|for beach trips and camping", (39, 399), (500, 4500), [Finish]),
                Leaf("Phone Accessories", "PHA", "Phone Case|Wireless Charger|Power Bank|Charging Cable|Car Mount", "Slim|Magnetic|Rugged|Everyday",
                    "recycled TPU|braided nylon|aluminium alloy|plant-based bioplastic",
                    "raised edges to protect the screen|15 W wireless charging|a 10,000 mAh battery|a 2 m braided cable",
                    "for everyday drops and scrapes|for topping up on the go|for the car and the desk", (9, 79), (30, 300), [Finish]),
                Leaf("Smart Home", "SMH", "Smart Plug|Video Doorbell|Smart Thermostat|Indoor Camera|Smart Bulb Pack", "Wireless|Energy-Saving|Voice-Ready|Compact",
                    "flame-retardant polycarbonate|matte ABS|brushed aluminium",
                    "energy monitoring in the app|two-way audio|local storage with no subscription|schedules and away modes",
                    "for a smarter, more efficient home|for keeping an eye on the front door|for cutting heating bills", (15, 249), (80, 600), [Finish]),
                Leaf("Memory & Storage", "STO", "Memory Card|Portable SSD|USB Flash Drive|External Hard Drive", "High-Speed|Rugged|Pocket-Sized|Encrypted",
                    "rugged aluminium|shock-resistant rubber|brushed steel",
                    "read speeds up to 1,000 MB/s|hardware encryption|a USB-C connector|a keyring loop",
                    "for 4K video and photo backups|for moving big files between laptops|for games and music libraries", (9, 299), (10, 250), [Storage]),
            ]),

        new(DepartmentKind.Books, "Books", S("Inkmarrow Press|Bramblegate Books|Thistledown Editions"),
            S("Printed on {material}, with {feature}.|This edition comes with {feature} and is printed on {material}."),
            S("Perfect {use}.|A great pick {use}.|Recommended {use}."),
            S("Printed and bound in Europe.|Signed bookplate editions are available while stocks last.|" +
              "Includes a reading guide for book groups.|Also makes a thoughtful gift."),
            S("Could not put it down.|Beautifully written.|Already bought a second copy as a gift."),
            [
                Group("Fiction",
                    Leaf("Literary Fiction", "LIT", "A Novel|Stories|A Novel in Three Parts", "Orchard|Harbour|Lighthouse|Summer|Inheritance|Garden|Weather",
                        "cream acid-free paper|recycled paper|responsibly sourced paper", "a deckled edge|a reading group guide|an afterword by the author|a ribbon marker",
                        "for long train journeys|for readers who love quiet, character-driven stories|for book clubs", (9, 29), (250, 700), [Format], NameStyle.Book),
                    Leaf("Crime & Thrillers", "CRM", "A Thriller|A Detective Novel|A Mystery", "Witness|Alibi|Cellar|Verdict|Crossing|Stranger|Silence",
                        "cream acid-free paper|recycled paper|responsibly sourced paper", "a map of the town|a bonus short story|a sneak peek at the sequel",
                        "for late nights with the lamp on|for fans of twisty police procedurals|for the beach", (9, 27), (250, 650), [Format], NameStyle.Book),
                    Leaf("Science Fiction & Fantasy", "SFF", "Book One of the Ashen Cycle|A Novel|A Space Opera", "Starfall|Empire|Engine|Signal|Tide|Crown|Frontier",
                        "cream acid-free paper|recycled paper|responsibly sourced paper", "a fold-out map|a glossary of names|illustrated chapter headings",
                        "for fans of epic world-building|for a weekend-long binge read|for readers new to the genre", (9, 32), (300, 900), [Format], NameStyle.Book)),
                Leaf("History & Biography", "HIS", "A History|A Life|A New History of Europe|The Untold Story", "Century|Empire|Republic|Revolution|Voyage|Frontier",
                    "cream acid-free paper|responsibly sourced paper", "sixteen pages of photographs|extensive notes and an index|maps of every campaign",
                    "for curious readers of history|for long winter evenings|for anyone who loves a true story", (12, 35), (350, 1000), [Format], NameStyle.Book),
                Leaf("Cookbooks", "CKB", "100 Everyday Recipes|Simple Food for Busy Weeknights|Recipes from a Coastal Kitchen|Vegetarian Feasts",
                    "Kitchen|Table|Pantry|Oven|Harvest|Supper", "heavy matte art paper|uncoated art paper",
                    "full-colour photography of every dish|a seasonal index|make-ahead tips|a lay-flat binding",
                    "for confident beginners|for cooking for friends|for weeknight dinners", (15, 39), (600, 1400), [Format], NameStyle.Book),
                Leaf("Children's Books", "KID", "A Picture Book|A Bedtime Story|An Adventure Story", "Balloon|Dragon|Moon|Treehouse|Umbrella|Lantern",
                    "sturdy board pages|thick matte paper", "bright illustrations on every page|rhyming text that is fun to read aloud|lift-the-flap surprises",
                    "for bedtime reading|for children aged 3 to 7|for little ones learning to read", (7, 19), (200, 700), [Format], NameStyle.Book),
                Leaf("Travel Guides", "TRV", "The Essential Travel Guide|A Walking Guide|Pocket Guide|The Slow Travel Guide",
                    "Lisbon|Kyoto|Iceland|The Dolomites|Scotland|Andalucia|Norway|Crete", "lightweight, durable paper|tough, water-resistant paper",
                    "fold-out city maps|suggested itineraries|tips from local writers", "for planning a first trip|for travellers who like to walk|for long weekends away",
                    (12, 29), (250, 600), [Format], NameStyle.Guide),
            ]),

        new(DepartmentKind.Beauty, "Beauty", S("Solenne|Verdelle|Moonpetal"),
            S("Formulated with {material}, with {feature}.|Made with {material} and {feature}."),
            S("Ideal {use}.|Suitable {use}.|Developed {use}."),
            S("Dermatologically tested.|Vegan and cruelty-free.|Free from parabens and mineral oil.|Packaged in recycled materials."),
            S("Gentle on my sensitive skin.|A little goes a long way.|Smells amazing."),
            [
                Group("Skincare",
                    Leaf("Moisturisers", "MST", "Face Moisturiser|Night Cream|Gel Moisturiser|Day Cream SPF 30", "Hydrating|Lightweight|Rich|Fragrance-Free",
                        "hyaluronic acid|shea butter|squalane|niacinamide|ceramides", "a recyclable glass jar|a non-greasy finish|an airless pump",
                        "for dry and sensitive skin|for daily use under make-up|for overnight repair", (9, 69), (80, 350), [Millilitres]),
                    Leaf("Cleansers & Serums", "SRM", "Vitamin C Serum|Gel Cleanser|Cleansing Balm|Retinol Serum|Micellar Water", "Brightening|Gentle|Clarifying|Overnight",
                        "vitamin C|salicylic acid|green tea extract|oat extract|retinol", "a glass dropper bottle|a soothing aloe base|a fragrance-free formula",
                        "for dull, tired skin|for morning and evening routines|for blemish-prone skin", (8, 59), (80, 300), [Millilitres])),
                Leaf("Haircare", "HRC", "Shampoo|Conditioner|Hair Mask|Hair Oil|Styling Cream", "Nourishing|Volumising|Repairing|Sulphate-Free",
                    "argan oil|coconut oil|rice protein|rosemary extract", "a salon-quality formula|a recyclable aluminium bottle|a light, fresh scent",
                    "for dry, frizzy hair|for fine hair that needs lift|for colour-treated hair", (6, 39), (100, 600), [Millilitres]),
                Leaf("Makeup", "MKP", "Foundation|Concealer|Tinted Moisturiser|Lipstick|Cream Blush", "Long-Wear|Matte|Dewy|Buildable",
                    "mineral pigments|vitamin E|jojoba oil|hyaluronic acid", "a natural satin finish|a refillable case|SPF 20 protection|a cushion applicator",
                    "for everyday wear|for long days and nights out|for a no-make-up look", (9, 49), (20, 120), [Shade]),
                Leaf("Fragrance", "FRG", "Eau de Parfum|Eau de Toilette|Perfume Oil|Body Mist", "Woody|Citrus|Floral|Amber|Fresh",
                    "notes of bergamot and cedarwood|notes of fig and vetiver|notes of rose and amber|notes of neroli and musk",
                    "a refillable glass bottle|a long-lasting trail|a travel-size atomiser", "for evenings out|for everyday wear|for gifting",
                    (19, 149), (100, 450), [Millilitres]),
            ]),

        new(DepartmentKind.Toys, "Toys & Games", S("Tumblewick|Pip & Puddle|Brickwright"),
            S("Made from {material} with {feature}.|Comes with {feature} and is made from {material}."),
            S("Great {use}.|Designed {use}.|Perfect {use}."),
            S("Meets European toy safety standards.|Arrives in plastic-free packaging.|Designed by parents, tested by kids.|No batteries needed."),
            S("My kids play with it every day.|Great quality for the price.|A big hit at a birthday party."),
            [
                Leaf("Building Sets", "BLD", "Building Set|Construction Kit|Marble Run|Magnetic Tile Set", "Creative|Deluxe|Starter|Motorised",
                    "sustainably sourced beech wood|recycled ABS plastic|bio-based plastic", "over 300 compatible pieces|illustrated step-by-step instructions|a storage tub",
                    "for budding engineers|for rainy-day projects|for building together as a family", (14, 149), (400, 3000), []),
                Leaf("Board Games", "BGM", "Strategy Game|Family Board Game|Cooperative Game|Card Game", "Fast-Paced|Classic|Party|Pocket",
                    "thick linen-finish cards|wooden playing pieces|recycled cardboard", "a rulebook you can learn in ten minutes|games that last 30 to 60 minutes|a solo mode",
                    "for game nights with friends|for 2 to 6 players|for families with children aged 8 and up", (12, 69), (300, 2200), []),
                Leaf("Puzzles", "PZL", "Jigsaw Puzzle|Panorama Puzzle|Wooden Puzzle", "Illustrated|Challenging|Vintage Map|Botanical",
                    "recycled board|blue-backed board|birch plywood", "a poster of the finished image|snug-fitting pieces|a resealable bag",
                    "for cosy evenings|for puzzlers who like a challenge|for the whole family", (12, 49), (400, 1200), [Pieces]),
                Leaf("Plush Toys", "PLS", "Teddy Bear|Plush Fox|Soft Dinosaur|Cuddly Bunny", "Super-Soft|Snuggly|Classic|Huggable",
                    "recycled polyester plush|organic cotton|soft minky fabric", "embroidered eyes safe for babies|a weighted base|a removable ribbon",
                    "for bedtime cuddles|for newborns and toddlers|for gifting", (9, 59), (100, 700), [PlushSize]),
                Leaf("Arts & Crafts", "ART", "Watercolour Set|Craft Kit|Modelling Clay Set|Drawing Set", "Beginner|Complete|Travel|Rainbow",
                    "non-toxic pigments|air-dry clay|recycled card|beechwood pencils", "a sturdy carry case|project cards with ideas|washable colours",
                    "for creative kids aged 5 and up|for rainy afternoons|for family craft sessions", (9, 59), (300, 1500), []),
            ]),
    ];
}
