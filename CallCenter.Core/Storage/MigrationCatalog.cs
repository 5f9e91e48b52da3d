using System.Collections.Immutable;
using System.Reflection;
using System.Text.RegularExpressions;

namespace CallCenter.Core.Storage;

/// <summary>
/// The migrations compiled into this build, read from the embedded <c>Storage/Migrations/NNNN_name.sql</c>
/// files. Kept as plain SQL files so that an admin or auditor can read exactly what the schema is.
/// </summary>
public static partial class MigrationCatalog
{
    private static readonly Lazy<ImmutableArray<Migration>> BuiltIn = new(LoadEmbedded);

    public static ImmutableArray<Migration> All => BuiltIn.Value;

    [GeneratedRegex(@"\.Migrations\.(?<version>\d{4})_(?<name>[a-z0-9_]+)\.sql$")]
    private static partial Regex ResourceName();

    private static ImmutableArray<Migration> LoadEmbedded()
    {
        var assembly = typeof(MigrationCatalog).Assembly;
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var match = ResourceName().Match(resource);
            if (!match.Success)
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"Embedded migration {resource} cannot be opened.");
            using var reader = new StreamReader(stream);
            migrations.Add(new Migration(
                int.Parse(match.Groups["version"].Value, System.Globalization.CultureInfo.InvariantCulture),
                match.Groups["name"].Value,
                reader.ReadToEnd()));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        Validate(migrations);
        return [.. migrations];
    }

    /// <summary>A gap or a duplicate would let two builds disagree about what version N means.</summary>
    internal static void Validate(IReadOnlyList<Migration> migrations)
    {
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new InvalidOperationException(
                    $"Migrations must be numbered 1, 2, 3... without gaps; found {migrations[i].Version} at position {i + 1}.");
            }
        }
    }

    internal static Assembly Assembly => typeof(MigrationCatalog).Assembly;
}
