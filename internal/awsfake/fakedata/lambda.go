package fakedata

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// Function is a Lambda function (its unpublished $LATEST version) and what
// the per-function reads answer about it: ListFunctions and GetFunction
// return Configuration; GetFunction also Code, Tags and Concurrency;
// GetPolicy the Policy; GetFunctionUrlConfig the URL.
type Function struct {
	Configuration lambdatypes.FunctionConfiguration
	Code          lambdatypes.FunctionCodeLocation
	Tags          map[string]string
	// ReservedConcurrency is the function's reserved concurrency; nil when
	// none is set (GetFunction then has no Concurrency).
	ReservedConcurrency *int32
	// Policy is the resource-based policy document (JSON); "" when the
	// function has none (GetPolicy answers ResourceNotFoundException).
	Policy string
	// URL is the function URL's configuration; nil when it has none.
	URL *lambdatypes.FunctionUrlConfig
}

// lambdaTime is how Lambda writes LastModified: ISO 8601 with
// milliseconds and a numeric zone, "2026-10-30T12:00:00.000+0000".
func lambdaTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000-0700") }

// fnSpec is the choices that make a function interesting; function fills
// in the rest.
type fnSpec struct {
	name, description string
	runtime           lambdatypes.Runtime // "" with image
	handler           string
	image             string // an ECR repository: a container image function
	arm               bool
	memory, timeout   int32
	codeSize          int64
	modified          time.Time
	vpc               bool
	env               map[string]string
	layers            []string
	kms, dlq, efs     bool
	tracing           bool // X-Ray Active rather than PassThrough
	snapStart         bool
	state             lambdatypes.State // default Active
	updateFailed      bool
	tags              map[string]string
	reserved          *int32
	// principals may invoke the function (its resource-based policy); a
	// principal with a source ARN condition is written "service|arn".
	principals []string
	url        lambdatypes.FunctionUrlAuthType // "": no function URL
}

func (s *site) lambdaARN(name string) string {
	return fmt.Sprintf("arn:%s:lambda:%s:%s:function:%s", s.partition, s.region, s.account, name)
}

func (s *site) function(sp fnSpec) Function {
	arn := s.lambdaARN(sp.name)
	sum := sha256.Sum256([]byte("code:" + arn + string(sp.runtime) + sp.image))
	arch := lambdatypes.ArchitectureX8664
	if sp.arm {
		arch = lambdatypes.ArchitectureArm64
	}
	memory, timeout := sp.memory, sp.timeout
	if memory == 0 {
		memory = 128
	}
	if timeout == 0 {
		timeout = 3
	}
	c := lambdatypes.FunctionConfiguration{
		FunctionName:     aws.String(sp.name),
		FunctionArn:      aws.String(arn),
		Role:             aws.String(fmt.Sprintf("arn:%s:iam::%s:role/service-role/%s-role", s.partition, s.account, sp.name)),
		CodeSha256:       aws.String(base64.StdEncoding.EncodeToString(sum[:])),
		CodeSize:         sp.codeSize,
		Description:      aws.String(sp.description),
		Timeout:          aws.Int32(timeout),
		MemorySize:       aws.Int32(memory),
		LastModified:     aws.String(lambdaTime(sp.modified)),
		Version:          aws.String("$LATEST"),
		RevisionId:       aws.String(uuid("revision:" + arn + lambdaTime(sp.modified))),
		PackageType:      lambdatypes.PackageTypeZip,
		Architectures:    []lambdatypes.Architecture{arch},
		EphemeralStorage: &lambdatypes.EphemeralStorage{Size: aws.Int32(512)},
		TracingConfig:    &lambdatypes.TracingConfigResponse{Mode: lambdatypes.TracingModePassThrough},
		SnapStart: &lambdatypes.SnapStartResponse{ApplyOn: lambdatypes.SnapStartApplyOnNone,
			OptimizationStatus: lambdatypes.SnapStartOptimizationStatusOff},
		LoggingConfig: &lambdatypes.LoggingConfig{LogFormat: lambdatypes.LogFormatText, LogGroup: aws.String("/aws/lambda/" + sp.name)},
		State:         lambdatypes.StateActive,
		// AWS leaves LastUpdateStatus out until the function was updated
		// once; these were.
		LastUpdateStatus: lambdatypes.LastUpdateStatusSuccessful,
		RuntimeVersionConfig: &lambdatypes.RuntimeVersionConfig{
			RuntimeVersionArn: aws.String(fmt.Sprintf("arn:%s:lambda:%s::runtime:%s", s.partition, s.region, hexDigest("runtime:"+string(sp.runtime), 64))),
		},
	}
	code := lambdatypes.FunctionCodeLocation{
		RepositoryType: aws.String("S3"),
		// A presigned URL, valid ten minutes: what AWS answers, and what
		// awssql must not show.
		Location: aws.String(fmt.Sprintf("https://awslambda-%s-tasks.s3.%s.amazonaws.com/snapshots/%s/%s-%s?X-Amz-Security-Token=FAKE&X-Amz-Signature=%s",
			s.region, s.region, s.account, sp.name, hexDigest("snap:"+arn, 8), hexDigest("sig:"+arn, 64))),
	}
	if sp.image != "" {
		c.PackageType = lambdatypes.PackageTypeImage
		uri := fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s:latest", s.account, s.region, sp.image)
		digest := "sha256:" + hexDigest("image:"+uri, 64)
		code = lambdatypes.FunctionCodeLocation{RepositoryType: aws.String("ECR"), ImageUri: aws.String(uri),
			ResolvedImageUri: aws.String(fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s@%s", s.account, s.region, sp.image, digest))}
		c.ImageConfigResponse = &lambdatypes.ImageConfigResponse{ImageConfig: &lambdatypes.ImageConfig{Command: []string{"app.handler"}}}
		c.RuntimeVersionConfig = nil
	} else {
		c.Runtime = sp.runtime
		c.Handler = aws.String(sp.handler)
	}
	if sp.vpc {
		c.VpcConfig = &lambdatypes.VpcConfigResponse{
			VpcId:                   aws.String(s.vpc),
			SubnetIds:               []string{s.subnets[0].id, s.subnets[1].id},
			SecurityGroupIds:        []string{aws.ToString(s.groups[2].GroupId)},
			Ipv6AllowedForDualStack: aws.Bool(false),
		}
	}
	if len(sp.env) > 0 {
		c.Environment = &lambdatypes.EnvironmentResponse{Variables: sp.env}
	}
	for _, l := range sp.layers {
		c.Layers = append(c.Layers, lambdatypes.Layer{
			Arn:      aws.String(fmt.Sprintf("arn:%s:lambda:%s:%s:layer:%s", s.partition, s.region, s.account, l)),
			CodeSize: int64(len(l)) * 40960,
		})
	}
	if sp.kms {
		c.KMSKeyArn = aws.String(s.kmsKey("lambda"))
	}
	if sp.dlq {
		c.DeadLetterConfig = &lambdatypes.DeadLetterConfig{TargetArn: aws.String(fmt.Sprintf("arn:%s:sqs:%s:%s:%s-dlq", s.partition, s.region, s.account, sp.name))}
	}
	if sp.efs {
		c.FileSystemConfigs = []lambdatypes.FileSystemConfig{{
			Arn:            aws.String(fmt.Sprintf("arn:%s:elasticfilesystem:%s:%s:access-point/fsap-%s", s.partition, s.region, s.account, hexDigest("fsap:"+arn, 17))),
			LocalMountPath: aws.String("/mnt/data"),
		}}
	}
	if sp.tracing {
		c.TracingConfig.Mode = lambdatypes.TracingModeActive
	}
	if sp.snapStart {
		c.SnapStart = &lambdatypes.SnapStartResponse{ApplyOn: lambdatypes.SnapStartApplyOnPublishedVersions,
			OptimizationStatus: lambdatypes.SnapStartOptimizationStatusOn}
	}
	switch sp.state {
	case lambdatypes.StateInactive:
		c.State = lambdatypes.StateInactive
		c.StateReason = aws.String("The function is inactive because it has not been invoked for an extended period.")
		c.StateReasonCode = lambdatypes.StateReasonCodeIdle
	case lambdatypes.StateFailed:
		c.State = lambdatypes.StateFailed
		c.StateReason = aws.String("The image manifest, config or layer media type for the source image is not supported.")
		c.StateReasonCode = lambdatypes.StateReasonCodeImageAccessDenied
	}
	if sp.updateFailed {
		c.LastUpdateStatus = lambdatypes.LastUpdateStatusFailed
		c.LastUpdateStatusReason = aws.String("Lambda was unable to decrypt the environment variables because KMS access was denied. Please check the function's KMS key settings.")
		c.LastUpdateStatusReasonCode = lambdatypes.LastUpdateStatusReasonCodeKMSKeyAccessDenied
	}
	f := Function{Configuration: c, Code: code, Tags: sp.tags, ReservedConcurrency: sp.reserved}
	if len(sp.principals) > 0 {
		f.Policy = s.lambdaPolicy(arn, sp.principals)
	}
	if sp.url != "" {
		at := lambdaTime(sp.modified.Add(-time.Hour))
		f.URL = &lambdatypes.FunctionUrlConfig{
			FunctionArn:      aws.String(arn),
			FunctionUrl:      aws.String("https://" + hexDigest("url:"+arn, 32) + ".lambda-url." + s.region + ".on.aws/"),
			AuthType:         sp.url,
			CreationTime:     aws.String(at),
			LastModifiedTime: aws.String(at),
			InvokeMode:       lambdatypes.InvokeModeBuffered,
		}
		if sp.url == lambdatypes.FunctionUrlAuthTypeNone {
			f.URL.Cors = &lambdatypes.Cors{AllowOrigins: []string{"https://shop.example.com"}, AllowMethods: []string{"GET", "POST"}, MaxAge: aws.Int32(300)}
		}
	}
	return f
}

// lambdaPolicy writes a resource-based policy as Lambda does when
// permissions are added: one statement per principal, the single-value
// fields as strings, not lists.
func (s *site) lambdaPolicy(arn string, principals []string) string {
	type statement struct {
		Sid       string         `json:"Sid"`
		Effect    string         `json:"Effect"`
		Principal map[string]any `json:"Principal"`
		Action    string         `json:"Action"`
		Resource  string         `json:"Resource"`
		Condition map[string]any `json:"Condition,omitempty"`
	}
	doc := struct {
		Version   string      `json:"Version"`
		ID        string      `json:"Id"`
		Statement []statement `json:"Statement"`
	}{Version: "2012-10-17", ID: "default"}
	for i, p := range principals {
		st := statement{Sid: fmt.Sprintf("stmt-%d", i+1), Effect: "Allow", Action: "lambda:InvokeFunction", Resource: arn}
		service, source, hasSource := strings.Cut(p, "|")
		switch {
		case service == "*":
			st.Principal = map[string]any{"AWS": "*"}
			st.Action = "lambda:InvokeFunctionUrl"
			st.Condition = map[string]any{"StringEquals": map[string]any{"lambda:FunctionUrlAuthType": "NONE"}}
		case len(service) == 12:
			st.Principal = map[string]any{"AWS": fmt.Sprintf("arn:%s:iam::%s:root", s.partition, service)}
		default:
			st.Principal = map[string]any{"Service": service}
		}
		if hasSource {
			st.Condition = map[string]any{"ArnLike": map[string]any{"AWS:SourceArn": source}}
		}
		doc.Statement = append(doc.Statement, st)
	}
	b, err := json.Marshal(doc)
	if err != nil {
		panic(err) // maps and strings always marshal
	}
	return string(b)
}

// demoFunctions adds the demo's Lambda functions: in the management
// account and three members, on current runtimes and on runtimes AWS has
// deprecated by ReferenceTime (nodejs16.x, python3.8, go1.x, nodejs18.x,
// python3.9, nodejs20.x), zip and container image packages, in and out of
// a VPC, with and without resource policies, function URLs, reserved
// concurrency, layers, a dead-letter queue, an EFS mount, SnapStart, and
// an inactive, a failed and a failed-update function.
func demoFunctions(ds *Dataset) {
	i32 := func(n int32) *int32 { return &n }
	specs := map[string]map[string][]fnSpec{
		DemoAccountID: {
			"us-east-1": {
				{name: "orders-api", description: "Orders REST API", runtime: lambdatypes.RuntimePython312, handler: "app.handler",
					memory: 512, timeout: 30, codeSize: 5_312_871, modified: day(2026, 10, 12, 9), vpc: true, tracing: true,
					env: map[string]string{"TABLE": "orders", "LOG_LEVEL": "info"}, layers: []string{"powertools:7"},
					tags: map[string]string{"Environment": "prod", "Team": "orders"}, reserved: i32(50),
					principals: []string{"apigateway.amazonaws.com|arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/*/*/orders"}},
				{name: "thumbnailer", description: "Makes thumbnails of uploaded images", runtime: lambdatypes.RuntimeNodejs16x,
					handler: "index.handler", memory: 1024, timeout: 60, codeSize: 48_213_004, modified: day(2023, 5, 4, 14),
					dlq: true, tags: map[string]string{"Environment": "prod", "Team": "media"},
					principals: []string{"s3.amazonaws.com|arn:aws:s3:::awssql-demo-data"}},
				{name: "legacy-cron", description: "Nightly clean-up, \"temporary\" since 2021", runtime: lambdatypes.RuntimePython38,
					handler: "cron.main", timeout: 900, codeSize: 2_048, modified: day(2022, 1, 15, 3), state: lambdatypes.StateInactive,
					tags: map[string]string{"Owner": `Jane "JD" Doe`, "Notes": "line one\nline two"}},
				{name: "report-renderer", description: "PDF reports (container image)", image: "report-renderer", memory: 3008, timeout: 300,
					modified: day(2026, 8, 20, 16), efs: true, vpc: true, tags: map[string]string{"Environment": "prod", "Team": "finance"}},
				{name: "webhook-go", description: "Payment webhooks on the Go 1.x runtime", runtime: lambdatypes.RuntimeGo1x, handler: "bootstrap",
					codeSize: 7_811_206, modified: day(2023, 11, 30, 10), url: lambdatypes.FunctionUrlAuthTypeNone, principals: []string{"*"},
					tags: map[string]string{"Team": "payments", "Café": "naïve ✓"}},
				{name: "settlement-java", description: "Daily settlement", runtime: lambdatypes.RuntimeJava21, handler: "com.example.Settle::handleRequest",
					memory: 2048, timeout: 120, codeSize: 21_004_512, modified: day(2026, 9, 1, 7), snapStart: true, kms: true,
					env: map[string]string{"DB_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:settle-db"}, updateFailed: true,
					principals: []string{"events.amazonaws.com|arn:aws:events:us-east-1:123456789012:rule/nightly", "345678901234"}},
			},
			"eu-west-1": {
				{name: "gdpr-export", description: "GDPR data exports", runtime: lambdatypes.RuntimeNodejs22x, handler: "index.handler", arm: true,
					memory: 256, timeout: 30, codeSize: 1_200_333, modified: day(2026, 10, 1, 12), url: lambdatypes.FunctionUrlAuthTypeAwsIam,
					tags: map[string]string{"DataClass": "GDPR; EU-only"}},
				{name: "eu-notifier", description: "", runtime: lambdatypes.RuntimeNodejs18x, handler: "index.handler",
					codeSize: 90_112, modified: day(2024, 2, 2, 2)},
			},
		},
		"210987654321": { // web-prod
			"us-east-1": {
				{name: "shop-edge-auth", description: "Checks session cookies", runtime: lambdatypes.RuntimeNodejs20x, handler: "auth.handler",
					codeSize: 31_000, modified: day(2025, 6, 1, 8), tags: map[string]string{"Environment": "prod", "Team": "shop"}},
				{name: "shop-search-indexer", description: "Indexes the catalogue", runtime: lambdatypes.RuntimePython39, handler: "indexer.run",
					memory: 1536, timeout: 600, codeSize: 12_900_000, modified: day(2025, 3, 3, 3), reserved: i32(5),
					tags: map[string]string{"Environment": "prod", "Team": "shop"}},
			},
		},
		"345678901234": { // data-prod
			"us-east-1": {
				{name: "etl-trigger", description: "Starts ETL runs", runtime: lambdatypes.RuntimePython313, handler: "trigger.handler", arm: true,
					codeSize: 3_456, modified: day(2026, 10, 20, 20), tags: map[string]string{"Environment": "prod", "Team": "data"}},
				{name: "etl-loader", description: "Loads the warehouse (failed image pull)", image: "etl-loader", memory: 4096, timeout: 900,
					modified: day(2026, 10, 30, 5), state: lambdatypes.StateFailed, tags: map[string]string{"Team": "data"}},
			},
		},
		"456789012345": { // sandbox-dev
			"us-west-2": {
				{name: "dev-hello", description: "hello world", runtime: lambdatypes.RuntimeProvidedal2023, handler: "bootstrap", arm: true,
					codeSize: 1_024, modified: day(2026, 7, 7, 7), url: lambdatypes.FunctionUrlAuthTypeNone, principals: []string{"*"}},
				{name: "dev-dotnet", description: "spike", runtime: lambdatypes.RuntimeDotnet8, handler: "Spike::Spike.Function::Handler",
					memory: 512, codeSize: 600_000, modified: day(2026, 2, 2, 2)},
			},
		},
	}
	for _, a := range ds.Accounts {
		for _, region := range slices.Sorted(maps.Keys(specs[a.ID])) {
			s := newSite(partitionOf(ds), a.ID, region, 3)
			r := a.Regions[region]
			if r == nil {
				r = &Region{}
				a.Regions[region] = r
			}
			for _, sp := range specs[a.ID][region] {
				r.Functions = append(r.Functions, s.function(sp))
			}
		}
	}
}

// generateFunctions makes n functions for one account's region, on a mix
// of current and deprecated runtimes, from a generator of their own so that
// the other generated resources stay as they were.
func generateFunctions(g GenOptions, s *site, ri int, accountIndex int) []Function {
	if g.FunctionsPerRegion == 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(uint64(g.Seed)^0x1a3bda, uint64(accountIndex)<<16|uint64(ri)))
	runtimes := []lambdatypes.Runtime{lambdatypes.RuntimePython312, lambdatypes.RuntimePython39, lambdatypes.RuntimeNodejs22x,
		lambdatypes.RuntimeNodejs18x, lambdatypes.RuntimeJava21, lambdatypes.RuntimeGo1x, lambdatypes.RuntimeNodejs16x}
	base := ReferenceTime().AddDate(-3, 0, 0)
	var out []Function
	for n := 0; n < g.FunctionsPerRegion; n++ {
		sp := fnSpec{
			name:        fmt.Sprintf("gen-fn-%04d", n),
			description: "generated function",
			runtime:     pick(rng, runtimes...),
			handler:     "index.handler",
			memory:      pick[int32](rng, 128, 256, 512, 1024),
			timeout:     pick[int32](rng, 3, 30, 60, 900),
			codeSize:    int64(1 + rng.IntN(50_000_000)),
			modified:    base.Add(time.Duration(rng.Int64N(int64(1000*24*time.Hour))) / time.Second * time.Second),
			arm:         rng.IntN(3) == 0,
			tags:        map[string]string{"Index": fmt.Sprint(n)},
		}
		if rng.IntN(4) == 0 {
			sp.reserved = aws.Int32(int32(1 + rng.IntN(100)))
		}
		if rng.IntN(3) == 0 {
			sp.principals = []string{"events.amazonaws.com"}
		}
		out = append(out, s.function(sp))
	}
	return out
}

func partitionOf(ds *Dataset) string {
	if ds.Partition == "" {
		return "aws"
	}
	return ds.Partition
}
