using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CallCenter.Core.Configuration;

namespace CallCenter.Core.Sip.Transport;

public sealed partial class SipTransportManager
{
    /// <summary>Loads the listener's certificate once, at start: a PKCS#12 file (with its password), or a PEM
    /// certificate with its key in PrivateKeyPath or in the same file.</summary>
    private static SslServerAuthenticationOptions LoadServerTls(SipListenerOptions options)
    {
        if (string.IsNullOrEmpty(options.CertificatePath))
        {
            throw new SipListenerBindException(options, "a TLS listener needs a certificate", null);
        }

        X509Certificate2 certificate;
        try
        {
            certificate = IsPem(options.CertificatePath)
                ? LoadPem(options)
                : X509CertificateLoader.LoadPkcs12FromFile(options.CertificatePath, options.CertificatePassword);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new SipListenerBindException(options, $"the certificate {options.CertificatePath} cannot be loaded: {e.Message}", e);
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new SipListenerBindException(options, $"the certificate {options.CertificatePath} has no private key", null);
        }

        return new SslServerAuthenticationOptions
        {
            ServerCertificateContext = SslStreamCertificateContext.Create(certificate, additionalCertificates: null),

            // Phones rarely present client certificates; authentication is SIP digest (RFC 3261 §22).
            ClientCertificateRequired = false,
            CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
        };
    }

    private static X509Certificate2 LoadPem(SipListenerOptions options)
    {
        var pem = X509Certificate2.CreateFromPemFile(options.CertificatePath!, options.PrivateKeyPath);
        if (!OperatingSystem.IsWindows())
        {
            return pem;
        }

        // SChannel cannot use an ephemeral PEM key; a round trip through PKCS#12 gives it a usable one.
        using (pem)
        {
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
    }

    private static bool IsPem(string path)
    {
        Span<byte> head = stackalloc byte[64];
        using var file = File.OpenRead(path);
        var read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return head[..read].IndexOf("-----BEGIN"u8) >= 0;
    }
}
