package tables

// CanonicalPolicy lets the tests compare policy_std, read through the
// wire, with the canonical form of the source document.
var CanonicalPolicy = canonicalPolicy
