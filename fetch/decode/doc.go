// Package decode reads AWS's XML answers straight from the wire into the
// SDK's own output types, for only the fields a projection names: the
// elements nobody reads are passed over without being built. What it reads
// it reads as the SDK's deserializers do (the same element names, matched
// the same way, the same parsing of each value, the same errors); the
// tests compare the two on every field, and fuzz it with the SDK as the
// oracle.
//
// EC2's answers (the ec2query protocol) are decoded from tables derived
// from the SDK's generated deserializers (ec2_gen.go, TestEC2Schema). The
// awsQuery services' SDKs have schemas: their outputs' own Deserialize
// methods read through queryDecoder, a smithy.ShapeDeserializer on the
// same scanner.
package decode
