using CallCenter.Server.Configuration;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Unit.Configuration;

/// <summary>Minimal valid files, so that each test changes exactly the thing it is about.</summary>
internal static class ConfigSamples
{
    public const string Main = """
        <callcenter node="t">
          <sip realm="r" domain="d.test">
            <listener transport="udp" address="127.0.0.1" port="5060" />
          </sip>
        </callcenter>
        """;

    public const string Extensions = """
        <extensions>
          <user extension="1000" password="pw" />
        </extensions>
        """;

    public static TempConfig Folder(string main = Main, string extensions = Extensions) =>
        TempConfig.WithSchemas().Write(ConfigurationLoader.MainFile, main).Write(ConfigurationLoader.ExtensionsFile, extensions);

    /// <summary>Loads and insists on exactly one error, the one the test provoked.</summary>
    public static ConfigError SingleError(TempConfig config)
    {
        var result = ConfigurationLoader.Load(config.Folder);
        Assert.That(result.Succeeded, Is.False, "the configuration should have been refused");
        Assert.That(result.Errors, Has.Length.EqualTo(1), () => string.Join("\n", result.Errors));
        return result.Errors[0];
    }

    /// <summary>Asserts the error sits at <paramref name="marker"/> in <paramref name="text"/> and mentions every fragment.</summary>
    public static void AssertAt(ConfigError error, string file, string text, string marker, params string[] fragments)
    {
        var (line, column) = TextPosition.Of(text, marker);
        Assert.Multiple(() =>
        {
            Assert.That(error.File, Is.EqualTo(file));
            Assert.That((error.Line, error.Column), Is.EqualTo((line, column)), error.ToString());
            Assert.That(error.ToString(), Does.StartWith($"{file}:{line}:{column}: "));
            foreach (var fragment in fragments)
            {
                Assert.That(error.Message, Does.Contain(fragment));
            }
        });
    }
}
