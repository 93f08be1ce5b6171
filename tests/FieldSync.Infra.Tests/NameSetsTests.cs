namespace FieldSync.Infra.Tests;

/// <summary>The comparison behind <see cref="NamesTests"/> reports what is missing and what is extra, so that test can fail.</summary>
public class NameSetsTests
{
    [Fact]
    public void Compare_CodeUsesAQueueTheTemplateLacks_ReportsItMissing()
    {
        var difference = NameSets.Compare(["fieldsync-push", "fieldsync-push-poison", "fieldsync-new-work"], ["fieldsync-push", "fieldsync-push-poison"]);

        Assert.False(difference.IsEmpty);
        Assert.Equal(["fieldsync-new-work"], difference.Missing);
        Assert.Empty(difference.Unexpected);
        Assert.Contains("fieldsync-new-work", difference.Describe("queues"), StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_TemplateCreatesATableTheCodeDoesNotName_ReportsItUnexpected()
    {
        var difference = NameSets.Compare(["fsrecords"], ["fsrecords", "fsleftover"]);

        Assert.Empty(difference.Missing);
        Assert.Equal(["fsleftover"], difference.Unexpected);
    }

    [Fact]
    public void Compare_NamesDifferOnlyInCase_AreDifferent()
    {
        var difference = NameSets.Compare(["fsRecords"], ["fsrecords"]);

        Assert.Equal(["fsRecords"], difference.Missing);
        Assert.Equal(["fsrecords"], difference.Unexpected);
    }

    [Fact]
    public void Compare_SameNamesInAnotherOrder_IsEmpty()
    {
        Assert.True(NameSets.Compare(["a", "b"], ["b", "a"]).IsEmpty);
    }
}
