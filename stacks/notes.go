package stacks

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

// A note is what synth tells whoever runs it about a stack, in the fleet's
// own terms: a service still pending, IKEv1 accepted, a check to make after
// deploying. The app prints the notes itself, one line each (Notes). A CDK
// warning annotation would print with "Acknowledge with
// 'Annotation::<id>'", an acknowledgement in CDK code that a YAML user has
// no way to give; and the CDK CLI does not show info annotations at all once
// @aws-cdk/core:annotationsInValidationReport is on.
const noteType = "privateconnect:note"

// note records a note on stack, kept in its construct metadata (and in the
// cloud assembly's, which the CDK CLI does not display).
func note(stack awscdk.Stack, format string, args ...any) {
	stack.Node().AddMetadata(jsii.String(noteType), jsii.String(fmt.Sprintf(format, args...)), nil)
}

// Notes returns the notes of stacks, in order, each "<stack ID>: <note>" (the
// stack name, or for a shared stack of a cell the ID that names the cell).
func Notes(stacks []awscdk.Stack) []string {
	var out []string
	for _, s := range stacks {
		for _, m := range *s.Node().Metadata() {
			if *m.Type == noteType {
				out = append(out, fmt.Sprintf("%s: %v", *s.Node().Id(), m.Data))
			}
		}
	}
	return out
}
