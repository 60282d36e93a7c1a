namespace Retention.Tests.Data;

/// <summary>A version-1 .npy file as numpy writes it: magic, header dict padded to 128 bytes with a newline, then the data.</summary>
static class NpyBytes
{
    public static byte[] Of(string descr, int count, byte[] data)
    {
        var dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({count},), }}";
        return new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, 118, 0 }
            .Concat(System.Text.Encoding.ASCII.GetBytes(dict.PadRight(117) + "\n")).Concat(data).ToArray();
    }
}
