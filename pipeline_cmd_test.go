package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/config"
)

func TestPipelineLayoutContext(t *testing.T) {
	fleet, err := config.Load("config")
	require.NoError(t, err)
	require.NotNil(t, fleet.Vendor.Pipeline, "the example fleet has a pipeline section")

	for _, v := range []string{"", "false"} {
		on, _, err := pipelineLayout(map[string]string{"pipeline": v}, fleet)
		assert.NoError(t, err, v)
		assert.False(t, on, "-c pipeline=%q keeps the flat app", v)
	}
	on, tools, err := pipelineLayout(map[string]string{"pipeline": "true"}, fleet)
	require.NoError(t, err)
	assert.True(t, on)
	assert.NotEmpty(t, tools.Go)
	assert.NotEmpty(t, tools.Node)
	assert.NotEmpty(t, tools.CdkCli)

	_, _, err = pipelineLayout(map[string]string{"pipeline": "yes"}, fleet)
	assert.ErrorContains(t, err, "-c pipeline=yes: use -c pipeline=true")
	_, _, err = pipelineLayout(map[string]string{"pipeline": "true", "customer": "acme"}, fleet)
	assert.ErrorContains(t, err, "leave out -c customer=acme")
	_, _, err = pipelineLayout(map[string]string{"pipeline": "true", "cell": "cell-1"}, fleet)
	assert.ErrorContains(t, err, "leave out -c cell=cell-1")

	fleet.Vendor.Pipeline = nil
	_, _, err = pipelineLayout(map[string]string{"pipeline": "true"}, fleet)
	assert.ErrorContains(t, err, "has no pipeline section")
}
