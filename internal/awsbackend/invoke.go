package awsbackend

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/letsleep/letsleep/internal/probe"
)

// invokeBound caps one synchronous invoke: the twin's own 30 s timeout plus
// room for a cold start in a VPC.
const invokeBound = 60 * time.Second

// InvokeProbe sends req to a probe twin and decodes its response. A function
// error (the runtime failed, or the twin timed out) is an error.
func InvokeProbe(ctx context.Context, api LambdaAPI, twin string, req probe.Request) (probe.Response, error) {
	payload, err := json.Marshal(req)
	if err != nil {
		return probe.Response{}, fmt.Errorf("probe %s: encode request: %w", twin, err)
	}
	out, err := invoke(ctx, api, twin, payload)
	if err != nil {
		return probe.Response{}, fmt.Errorf("probe %s: %w", twin, err)
	}
	var resp probe.Response
	if err := json.Unmarshal(out, &resp); err != nil {
		return probe.Response{}, fmt.Errorf("probe %s: bad response %q: %w", twin, short(out), err)
	}
	if resp.ID != req.ID {
		return probe.Response{}, fmt.Errorf("probe %s: response is for request %q, sent %q", twin, resp.ID, req.ID)
	}
	return resp, nil
}

// controlResponse mirrors the control function's answer (functions/control).
type controlResponse struct {
	OK        bool  `json:"ok"`
	ConnectMS int64 `json:"connect_ms"`
	QueryMS   int64 `json:"query_ms"`
}

// WakeControl invokes the control function with {"action":"wake"}: it
// connects to Aurora and runs SELECT 1. The latency is the database's part
// (connect + query, as the function measured it), so a Lambda cold start
// does not count as resume time.
func WakeControl(ctx context.Context, api LambdaAPI, control string) (time.Duration, error) {
	out, err := invoke(ctx, api, control, []byte(`{"action":"wake"}`))
	if err != nil {
		return 0, fmt.Errorf("wake via %s: %w", control, err)
	}
	var r controlResponse
	if err := json.Unmarshal(out, &r); err != nil || !r.OK {
		return 0, fmt.Errorf("wake via %s: unexpected answer %q", control, short(out))
	}
	return time.Duration(r.ConnectMS+r.QueryMS) * time.Millisecond, nil
}

func invoke(ctx context.Context, api LambdaAPI, name string, payload []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, invokeBound)
	defer cancel()
	out, err := api.Invoke(ctx, &lambda.InvokeInput{
		FunctionName:   aws.String(name),
		InvocationType: lambdatypes.InvocationTypeRequestResponse,
		Payload:        payload,
	})
	if err != nil {
		return nil, fmt.Errorf("invoke: %w", err)
	}
	if out.FunctionError != nil {
		return nil, fmt.Errorf("function error %s: %q", aws.ToString(out.FunctionError), short(out.Payload))
	}
	return out.Payload, nil
}

// short cuts a payload for an error message.
func short(b []byte) string {
	const n = 200
	if len(b) <= n {
		return string(b)
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(b[cut]) {
		cut--
	}
	return string(b[:cut]) + "…"
}

// DescribeFunction reads a function's role and placement from Lambda.
func DescribeFunction(ctx context.Context, api LambdaAPI, name string) (Function, error) {
	out, err := api.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String(name)})
	if err != nil {
		return Function{}, fmt.Errorf("describe %s: %w", name, err)
	}
	f := Function{Name: aws.ToString(out.FunctionName), RoleARN: aws.ToString(out.Role), SubnetIDs: []string{}, SecurityGroupIDs: []string{}}
	if v := out.VpcConfig; v != nil {
		f.SubnetIDs = append(f.SubnetIDs, v.SubnetIds...)
		f.SecurityGroupIDs = append(f.SecurityGroupIDs, v.SecurityGroupIds...)
	}
	slices.Sort(f.SubnetIDs)
	slices.Sort(f.SecurityGroupIDs)
	return f, nil
}
