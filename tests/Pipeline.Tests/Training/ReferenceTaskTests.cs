using Retention.Data;
using Retention.Models;
using Retention.Spec;
using Retention.Tests.Pipeline;
using Retention.Training;
using static TorchSharp.torch;

namespace Retention.Tests.Training;

/// <summary>Reference tasks (paper Fig 6a): arithmetic as text, scored on its answer tokens, never injected.</summary>
public class ReferenceTaskTests
{
    static TextTokenizer Bytes()
    {
        var tokenizers = Path.Combine(RepoFiles.PipelinesDirectory, "tokenizers");
        return TextTokenizer.Create(new TokenizerSpec { Kind = "bpe", Path = Path.Combine(tokenizers, "bytes-vocab.json"), MergesPath = Path.Combine(tokenizers, "bytes-merges.txt") });
    }

    [Fact]
    public void Instances_are_the_arithmetic_they_say_with_operands_of_the_asked_digits()
    {
        var add = ReferenceTask.Instances(new ReferenceTaskSpec { Digits = 2, Instances = 300, Seed = 3 });
        Assert.All(add, i =>
        {
            Assert.InRange(i.A, 10, 99);
            Assert.InRange(i.B, 10, 99);
            Assert.Equal($"{i.A} + {i.B} =", i.Prompt);
            Assert.Equal($" {i.A + i.B}", i.Continuation);
        });
        var mul = ReferenceTask.Instances(new ReferenceTaskSpec { Operation = "multiply", Digits = 1, Instances = 300, Template = "Q: {a} {op} {b}? A: {c}" });
        Assert.All(mul, i => Assert.Equal(($"Q: {i.A} * {i.B}? A:", $" {i.A * i.B}"), (i.Prompt, i.Continuation)));
        Assert.Equal(10, mul.Select(i => i.A).Distinct().Count());   // 1 digit: 0..9, each drawn among 300
        var sub = ReferenceTask.Instances(new ReferenceTaskSpec { Operation = "subtract", Digits = 3, Instances = 50 });
        Assert.All(sub, i => Assert.Equal($" {i.A - i.B}", i.Continuation));
    }

    [Fact]
    public void Tokenized_rows_score_exactly_the_answer_tokens()
    {
        var tokenizer = Bytes();
        var instances = ReferenceTask.Instances(new ReferenceTaskSpec { Digits = 2, Instances = 20 });
        var set = ReferenceTask.Tokenize("ref", instances, tokenizer);
        int positions = set.RowLength - 1;
        for (int i = 0; i < instances.Count; i++)
        {
            var row = set.Tokens[(i * set.RowLength)..((i + 1) * set.RowLength)];
            Assert.Equal(tokenizer.EosId, row[0]);
            // The targets at the scored positions (input p predicts token p + 1) spell the continuation.
            var answer = Enumerable.Range(0, positions).Where(p => set.Scored[i * positions + p]).Select(p => (int)row[p + 1]);
            Assert.Equal(instances[i].Continuation, tokenizer.Decode(answer));
            Assert.Equal(instances[i].Prompt, tokenizer.Decode(row[1..].Take(instances[i].Prompt.Length).Select(t => (int)t)));
        }
    }

    [Fact]
    public void Batched_padded_scores_equal_each_instance_scored_alone()
    {
        var tokenizer = Bytes();
        // Operands of 1 to 3 digits: rows of different lengths, so padding is exercised.
        var instances = new[] { 1, 2, 3 }.SelectMany(d => ReferenceTask.Instances(new ReferenceTaskSpec { Digits = d, Instances = 4, Seed = d })).ToList();
        var set = ReferenceTask.Tokenize("ref", instances, tokenizer);
        using var model = new OlmoModel(new OlmoConfig(Layers: 2, Hidden: 32, MlpDim: 64, Heads: 4, VocabSize: tokenizer.VocabSize, MaxSeqLen: 64), new Generator(7));
        // A budget of one row per slice and one of all rows at once must agree.
        var one = OlmoEvaluator.ScoreReference(model, set, CPU, budget: 1);
        var all = OlmoEvaluator.ScoreReference(model, set, CPU, budget: 1L << 30);

        double loss = 0;
        int exact = 0;
        using (no_grad())
            foreach (var i in instances)
            {
                int[] prompt = tokenizer.Encode(i.Prompt), answer = tokenizer.Encode(i.Continuation);
                long[] sequence = [tokenizer.EosId, .. prompt.Select(t => (long)t), .. answer.Select(t => (long)t)];
                var logits = model.ComputeLogits(tensor(sequence[..^1], [1, sequence.Length - 1]))[0];                // (T, V)
                var atAnswer = logits.narrow(0, 1 + prompt.Length - 1, answer.Length);
                var targets = tensor(answer.Select(t => (long)t).ToArray());
                loss += nn.functional.cross_entropy(atAnswer.to(float32), targets).item<float>();
                if (atAnswer.argmax(1).data<long>().ToArray().SequenceEqual(answer.Select(t => (long)t))) exact++;
            }
        Assert.Equal(loss / instances.Count, one.Loss, 4);
        Assert.Equal(one.Loss, all.Loss, 5);
        Assert.Equal((double)exact / instances.Count, one.Accuracy);
        Assert.Equal((one.Task, one.Split), ("ref", "reference"));
    }

    [Fact]
    public void Validation_names_a_bad_template_and_a_name_an_injected_task_has()
    {
        var errors = Assert.Throws<SpecException>(() => SpecLoader.LoadText(string.Join('\n',
            "name: o", "experiment: olmo",
            "data: {sources: [{paths: ['https://example.org/a.json.gz']}], tasks: [{name: cmp, kind: comparison}]}",
            "olmo: {reference_tasks: [{name: cmp}, {name: ok, template: '{c} = {a} + {b}', operation: divide}]}") + "\n", "o.yaml", checkAnalysis: false)).Errors;
        Assert.Equal(["olmo.reference_tasks[0].name", "olmo.reference_tasks[1].operation", "olmo.reference_tasks[1].template"],
            errors.Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    [Theory]
    // Before: each said "'NAME' must be a name (letters, digits, '_') no injected or other reference task has",
    // whichever rule it broke: '1abc' is letters and digits, and a clash did not say with what.
    [InlineData("[{name: 1abc}]", "olmo.reference_tasks[0].name", "'1abc' is not a name: use letters, digits and '_', not starting with a digit")]
    [InlineData("[{name: a-b}]", "olmo.reference_tasks[0].name", "'a-b' is not a name: use letters, digits and '_', not starting with a digit")]
    [InlineData("[{name: add}]", "olmo.reference_tasks[0].name", "'add' is the name of injected task data.tasks[1]; a reference task's name must differ from every task's")]
    [InlineData("[{name: x}, {name: y}, {name: x}]", "olmo.reference_tasks[2].name", "'x' is the name of olmo.reference_tasks[0] too; each reference task needs its own name")]
    [InlineData("[{operation: add}, {operation: add}]", "olmo.reference_tasks[1].name",
        "'ref_add' is the name of olmo.reference_tasks[0] too; each reference task needs its own name (the default, ref_<operation>: give each a name)")]
    public void A_refused_reference_task_name_says_which_rule_it_breaks(string references, string path, string message)
    {
        var yaml = string.Join('\n', "name: o", "experiment: olmo",
            "data: {sources: [{paths: ['https://example.org/a.json.gz']}], tasks: [{name: cmp, kind: comparison}, {name: add, kind: modular_addition}]}",
            $"olmo: {{reference_tasks: {references}}}") + "\n";
        var error = Assert.Single(Assert.Throws<SpecException>(() => SpecLoader.LoadText(yaml, "o.yaml", checkAnalysis: false, checkResources: false)).Errors);
        Assert.Equal((path, message), (error.Path, error.Message));
    }

    [Fact]
    public void A_reference_task_is_named_by_its_operation_unless_named_and_its_template_has_one_answer()
    {
        string Olmo(string references) => string.Join('\n', "name: o", "experiment: olmo",
            "data: {sources: [{paths: ['https://example.org/a.json.gz']}]}", $"olmo: {{reference_tasks: {references}}}") + "\n";
        var loaded = SpecLoader.LoadText(Olmo("[{operation: subtract}, {operation: multiply}]"), "o.yaml", checkAnalysis: false, checkResources: false);
        Assert.Equal(["ref_subtract", "ref_multiply"], loaded.Spec.Olmo!.ReferenceTasks.Select(r => r.TaskName));
        var twice = Assert.Throws<SpecException>(() => SpecLoader.LoadText(Olmo("[{digits: 1}, {digits: 2}]"), "o.yaml", checkAnalysis: false, checkResources: false)).Errors;
        Assert.Contains("give each a name", Assert.Single(twice).Message);
        var template = Assert.Throws<SpecException>(() => SpecLoader.LoadText(Olmo("[{template: '{c} = {a} + {b} = {c}'}]"), "o.yaml", checkAnalysis: false, checkResources: false)).Errors;
        Assert.Equal("olmo.reference_tasks[0].template", Assert.Single(template).Path);
    }

    [Fact]
    public void A_template_placeholder_other_than_a_b_op_and_c_is_refused_not_written_into_every_instance()
    {
        // Before: '{a} {operator} {b} = {c}' passed, and every instance read "12 {operator} 57 = 69", scored as such.
        string Olmo(string template) => string.Join('\n', "name: o", "experiment: olmo",
            "data: {sources: [{paths: ['https://example.org/a.json.gz']}]}", $"olmo: {{reference_tasks: [{{template: '{template}'}}]}}") + "\n";
        var errors = Assert.Throws<SpecException>(() => SpecLoader.LoadText(Olmo("{a} {A} {operator} {b} {A} = {c}"), "o.yaml",
            checkAnalysis: false, checkResources: false)).Errors;
        Assert.Equal(["olmo.reference_tasks[0].template"], errors.Select(e => e.Path).Distinct());
        Assert.Equal(["'{A}' is no placeholder (the template fills {a}, {b}, {op} and {c}); as written it would be text in every instance",
            "'{operator}' is no placeholder (the template fills {a}, {b}, {op} and {c}); as written it would be text in every instance"],
            errors.Select(e => e.Message));
        // The four it fills, and braces around no name, pass.
        var loaded = SpecLoader.LoadText(Olmo("{a} {op} {b} {} = {c}"), "o.yaml", checkAnalysis: false, checkResources: false);
        Assert.Equal("{a} {op} {b} {} = {c}", Assert.Single(loaded.Spec.Olmo!.ReferenceTasks).Template);
    }
}
