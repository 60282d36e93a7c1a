namespace Retention.Spec;

/// <summary>Local data paths that match no file and tokenizer files that do not exist or cannot be read, before any
/// work; with them, token files whose manifest or dtype disagrees with the spec.</summary>
internal static class DataPathErrors
{
    /// <param name="recordedDataDirectory">Where the file is a sweep's stored copy, the folder its runs read their data from.</param>
    public static IEnumerable<SpecError> Of(PipelineSpec spec, NodeIndex index, SourceMap sources, string baseDirectory,
        TokenizerChecks tokenizers, string? recordedDataDirectory)
    {
        if (spec.Data is not { } data) yield break;
        var hint = recordedDataDirectory is not null ? StoredCopy.Hint(recordedDataDirectory)
            : " (relative paths resolve against the pipeline file's folder; --data-dir DIR points elsewhere)";
        SpecError At(string path, string message) => index.ErrorAt(sources, path, message);
        for (int i = 0; i < data.Sources.Count; i++)
        {
            Func<string, bool> accepts = data.Sources[i].Reads;
            var headers = new List<TokenFileHeaders.Read>();
            var folders = new List<string>();
            for (int j = 0; j < data.Sources[i].Paths.Count; j++)
            {
                var entry = data.Sources[i].Paths[j];
                if (string.IsNullOrWhiteSpace(entry)) continue;
                if (Data.Shard.IsUrl(entry.Trim()))
                {
                    // Not fetched here; only a list on a server is known from the URL, which the run reads as one shard of bad lines.
                    if (Data.ShardList.RemoteListProblem(entry.Trim()) is { } remote) yield return At($"data.sources[{i}].paths[{j}]", remote);
                    continue;
                }
                string? problem = null;
                IReadOnlyList<Data.Shard> shards = [];
                try { shards = Data.ShardList.Expand([entry], baseDirectory, accepts); }
                catch (Data.DataException e) { problem = e.Message; }
                if (problem is not null)
                    yield return At($"data.sources[{i}].paths[{j}]", problem + hint + (recordedDataDirectory is not null ? ""
                        : CurrentFolderHint.ForShards(entry, baseDirectory, accepts) ?? MissingDataHint.For(entry, baseDirectory, data.Sources[i], data.Tokenizer)));
                if (data.Sources[i].Format != "pretokenized") continue;
                if (TokenFileHeaders.Judged(data.Sources[i].TokenDtype) && TokenFileHeaders.Of(shards) is var (read, badHeader))
                {
                    headers.AddRange(read);
                    if (badHeader is not null) yield return At($"data.sources[{i}].paths[{j}]", badHeader);
                }
                foreach (var shard in shards.Where(s => !Data.Shard.IsUrl(s.Location)))
                    folders.Add(Path.GetDirectoryName(shard.Location)!);
            }
            // Each folder's manifest once, after all paths entries: two entries into one folder judged it twice, and a dtype the
            // headers say too is said with them, as one.
            bool headersSaid = false;
            foreach (var dir in folders.Distinct(StringComparer.Ordinal))
                if (Data.PretokenizedManifest.Read(dir) is { } manifest)
                    foreach (var (key, message) in manifest.Disagreements(data.Sources[i], data.Tokenizer, tokenizers.Check(data.Tokenizer, baseDirectory).Identity, dir, baseDirectory))
                    {
                        var both = key == "source.token_dtype" ? TokenFileHeaders.ManifestAndHeaderProblem(manifest, dir, headers, data.Sources[i].TokenDtype) : null;
                        headersSaid |= both is not null;
                        yield return At(key.StartsWith("source.", StringComparison.Ordinal) ? $"data.sources[{i}]{key["source".Length..]}" : $"data.{key}", both ?? message);
                    }
            // Once for the source's files together: the run reads them all with its one token_dtype.
            if (!headersSaid && TokenFileHeaders.DtypeProblem(headers, data.Sources[i].TokenDtype) is { } dtypeProblem)
                yield return At($"data.sources[{i}].token_dtype", dtypeProblem);
            if (data.Sources[i] is { Format: "pretokenized", TokenDtype: "uint16" } source
                && (source.EosTokenId ?? (data.Tokenizer.Kind == Data.TextTokenizer.Cl100kBase ? Data.Cl100kTokenizer.SpecialTokens.GetValueOrDefault(data.Tokenizer.EosToken) : 0)) is var eos and > ushort.MaxValue)
                yield return At($"data.sources[{i}]", $"EOS {eos} cannot occur in uint16 token files" + (source.EosTokenId is null
                    ? $" ({data.Tokenizer.Kind}'s, the tokenizer's default): set data.tokenizer to the tokenizer that wrote them (gpt2 for `pipeline data tokenize`'s default), or eos_token_id"
                    : ": give the EOS the files use"));
        }
        foreach (var (file, key) in new[] { (data.Tokenizer.Path, "path"), (data.Tokenizer.MergesPath, "merges_path") })
            if (!string.IsNullOrWhiteSpace(file) && !Data.TextTokenizer.IsBuiltIn(data.Tokenizer.Kind) && Path.GetFullPath(file, baseDirectory) is var full && !File.Exists(full))
                yield return At($"data.tokenizer.{key}", Data.TokenizerFiles.FolderProblem(full, data.Tokenizer.Kind, key) ?? ($"no such file '{full}'" + hint
                    + (recordedDataDirectory is null ? CurrentFolderHint.ForFile(file, baseDirectory) : null)));
        // A tokenizer file that is there but unreadable fails here, not after the run's directory is made.
        if (!Data.TextTokenizer.IsBuiltIn(data.Tokenizer.Kind) && Data.TextTokenizer.Kinds.Contains(data.Tokenizer.Kind)
            && new[] { data.Tokenizer.Path, data.Tokenizer.MergesPath }.All(f => string.IsNullOrWhiteSpace(f) || File.Exists(Path.GetFullPath(f, baseDirectory)))
            && !string.IsNullOrWhiteSpace(data.Tokenizer.Path)
            && tokenizers.Check(data.Tokenizer, baseDirectory) is { Problem: { } unreadable } check)
            yield return check.EosMissing
                ? At("data.tokenizer.eos_token", $"{unreadable}: set data.tokenizer.eos_token to the token the file ends documents with")
                : At("data.tokenizer.path", unreadable);
    }
}
