// Package fleetfuzz holds the property test of the whole pipeline (see
// FuzzFleet): fleets generated from the examples are validated, and those
// that validate are synthesized and handed off. It has no code of its own.
package fleetfuzz
