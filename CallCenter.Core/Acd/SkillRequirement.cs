namespace CallCenter.Core.Acd;

/// <summary>A skill a caller needs, and the proficiency it asks for (null: the queue's minimum).</summary>
public readonly record struct SkillRequirement(string Skill, int? MinProficiency = null);
