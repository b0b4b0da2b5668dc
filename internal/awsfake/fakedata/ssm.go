package fakedata

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// InventoryItem is the inventory of one type that SSM collected on one
// managed node: what ListInventoryEntries answers for that node and type.
type InventoryItem struct {
	InstanceID    string
	TypeName      string // AWS:Application, AWS:Network, ..., or Custom:...
	SchemaVersion string
	CaptureTime   time.Time
	Entries       []map[string]string
}

// InventoryCaptureTime is how SSM writes an inventory's capture time:
// "2026-10-31T06:00:00Z".
func InventoryCaptureTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// InventorySchemas are the inventory types SSM defines in every account
// and region (GetInventorySchema lists them, and the custom types the
// account's nodes reported). Only the attributes awssql's data fills are
// listed for the types the data has.
func InventorySchemas() []ssmtypes.InventoryItemSchema {
	str := func(names ...string) []ssmtypes.InventoryItemAttribute {
		var out []ssmtypes.InventoryItemAttribute
		for _, n := range names {
			out = append(out, ssmtypes.InventoryItemAttribute{Name: aws.String(n), DataType: ssmtypes.InventoryAttributeDataTypeString})
		}
		return out
	}
	schema := func(name, version, display string, attrs []ssmtypes.InventoryItemAttribute) ssmtypes.InventoryItemSchema {
		return ssmtypes.InventoryItemSchema{TypeName: aws.String(name), Version: aws.String(version), DisplayName: optionalString(display), Attributes: attrs}
	}
	return []ssmtypes.InventoryItemSchema{
		schema("AWS:AWSComponent", "1.0", "", str("Name", "ApplicationType", "Publisher", "Version", "InstalledTime", "Architecture", "URL")),
		schema("AWS:Application", "1.1", "Application", str("Name", "ApplicationType", "Publisher", "Version", "InstalledTime",
			"Architecture", "URL", "Summary", "PackageId", "Release", "Epoch")),
		schema("AWS:File", "1.0", "File", str("Name", "Size", "Description", "FileVersion", "InstalledDate", "ModificationTime",
			"LastAccessTime", "ProductName", "InstalledDir", "ProductLanguage", "CompanyName", "ProductVersion")),
		schema("AWS:InstanceDetailedInformation", "1.0", "", str("CPUModel", "CPUCores", "CPUs", "CPUSpeedMHz", "CPUSockets",
			"CPUHyperThreadEnabled", "OSServicePack")),
		schema("AWS:InstanceInformation", "1.0", "Instance", str("AgentType", "AgentVersion", "ComputerName", "InstanceId",
			"InstanceStatus", "IpAddress", "PlatformName", "PlatformType", "PlatformVersion", "ResourceType")),
		schema("AWS:Network", "1.0", "Network", str("Name", "SubnetMask", "Gateway", "DHCPServer", "DNSServer", "MacAddress", "IPV4", "IPV6")),
		schema("AWS:Service", "1.0", "Service", str("Name", "DisplayName", "ServiceType", "Status", "DependentServices",
			"ServicesDependedOn", "StartType")),
		schema("AWS:Tag", "1.0", "Tag", str("Key", "Value")),
		schema("AWS:WindowsRegistry", "1.0", "", str("KeyPath", "ValueName", "ValueType", "Value")),
		schema("AWS:WindowsRole", "1.0", "", str("Name", "DisplayName", "Path", "FeatureType", "DependsOn", "Description",
			"Installed", "InstalledState", "SubFeatures", "ServerComponentDescriptor", "Parent")),
		schema("AWS:WindowsUpdate", "1.0", "WindowsUpdate", str("HotFixId", "Description", "InstalledTime", "InstalledBy")),
	}
}

// app is an installed application, as AWS:Application lists it.
type app struct{ name, version, publisher, release, summary string }

// managedSpec says how a node is managed by SSM and what it has installed.
// A node is an EC2 instance of the region, by its Name tag, or, with
// hybrid, an on-premises server activated in the region.
type managedSpec struct {
	name           string
	hybrid         bool
	activation     string // hybrid: the activation's name, from which its id derives
	windows        bool
	platformName   string
	platformVer    string
	agent          string
	latest         bool
	connectionLost bool
	association    string // Success, Failed, Pending; "": no association
	role           string // the IAM role SSM reports (hybrid, or Default Host Management)
	apps           []app
	updates        []string // Windows hot fixes
	custom         map[string][]map[string]string
	captured       time.Time
}

// The SSM Agent's latest version in the data, and an older one.
const (
	ssmAgentLatest = "3.3.1142.0"
	ssmAgentOld    = "3.2.582.0"
)

// managed builds a node's InstanceInformation and its inventory. inst is
// the EC2 instance it runs on, nil for a hybrid node.
func (s *site) managed(sp managedSpec, inst *ec2types.Instance) (ssmtypes.InstanceInformation, []InventoryItem) {
	seen := sp.captured.Add(-5 * time.Minute)
	if sp.connectionLost {
		seen = sp.captured.AddDate(0, 0, -9)
	}
	info := ssmtypes.InstanceInformation{
		PingStatus:       ssmtypes.PingStatusOnline,
		LastPingDateTime: aws.Time(seen),
		AgentVersion:     aws.String(sp.agent),
		IsLatestVersion:  aws.Bool(sp.latest),
		PlatformType:     ssmtypes.PlatformTypeLinux,
		PlatformName:     aws.String(sp.platformName),
		PlatformVersion:  aws.String(sp.platformVer),
	}
	if sp.connectionLost {
		info.PingStatus = ssmtypes.PingStatusConnectionLost
	}
	if sp.windows {
		info.PlatformType = ssmtypes.PlatformTypeWindows
	}
	if sp.role != "" {
		info.IamRole = aws.String(sp.role)
	}
	if sp.hybrid {
		id := "mi-" + hexDigest("managed:"+s.account+s.region+sp.name, 17)
		info.InstanceId = aws.String(id)
		info.ResourceType = ssmtypes.ResourceTypeManagedInstance
		info.Name = aws.String(sp.name)
		info.ActivationId = aws.String(uuid("activation:" + s.account + s.region + sp.activation))
		info.RegistrationDate = aws.Time(sp.captured.AddDate(-1, -2, 0).Truncate(time.Second))
		info.ComputerName = aws.String(sp.name + ".corp.example.com")
		info.IPAddress = aws.String(fmt.Sprintf("192.168.10.%d", 20+len(sp.name)))
		info.SourceId = aws.String(id)
		info.SourceType = ssmtypes.SourceTypeAwsSsmManagedinstance
	} else {
		info.InstanceId = inst.InstanceId
		info.ResourceType = ssmtypes.ResourceTypeEc2Instance
		info.IPAddress = inst.PrivateIpAddress
		info.ComputerName = inst.PrivateDnsName
		if sp.windows {
			info.ComputerName = aws.String("EC2AMAZ-" + strings.ToUpper(hexDigest("host:"+aws.ToString(inst.InstanceId), 7)))
		}
		info.SourceId = inst.InstanceId
		info.SourceType = ssmtypes.SourceTypeAwsEc2Instance
	}
	if sp.association != "" {
		ran := sp.captured.Add(-30 * time.Minute)
		info.AssociationStatus = aws.String(sp.association)
		info.LastAssociationExecutionDate = aws.Time(ran)
		counts := map[string]int32{sp.association: 1}
		if sp.association == "Success" {
			counts["Success"] = 2
			info.LastSuccessfulAssociationExecutionDate = aws.Time(ran)
		} else {
			counts["Success"] = 1
			info.LastSuccessfulAssociationExecutionDate = aws.Time(ran.AddDate(0, 0, -3))
		}
		info.AssociationOverview = &ssmtypes.InstanceAggregatedAssociationOverview{
			DetailedStatus: aws.String(sp.association), InstanceAssociationStatusAggregatedCount: counts}
	}
	id := aws.ToString(info.InstanceId)
	item := func(typ, version string, entries []map[string]string) InventoryItem {
		return InventoryItem{InstanceID: id, TypeName: typ, SchemaVersion: version, CaptureTime: sp.captured, Entries: entries}
	}
	const agentType, arch = "amazon-ssm-agent", "x86_64"
	items := []InventoryItem{item("AWS:InstanceInformation", "1.0", []map[string]string{{
		"AgentType": agentType, "AgentVersion": sp.agent, "ComputerName": aws.ToString(info.ComputerName), "InstanceId": id,
		"InstanceStatus": "Active", "IpAddress": aws.ToString(info.IPAddress), "PlatformName": sp.platformName,
		"PlatformType": string(info.PlatformType), "PlatformVersion": sp.platformVer, "ResourceType": string(info.ResourceType),
	}})}
	ip := aws.ToString(info.IPAddress)
	gw := ip[:strings.LastIndex(ip, ".")] + ".1"
	nic := map[string]string{"Name": "ens5", "SubnetMask": "255.255.255.0", "Gateway": gw, "DHCPServer": gw, "DNSServer": "10.0.0.2",
		"MacAddress": macAddress(id), "IPV4": ip}
	if sp.windows {
		nic["Name"] = "Amazon Elastic Network Adapter"
	}
	items = append(items, item("AWS:Network", "1.0", []map[string]string{nic}))
	var apps []map[string]string
	installed := sp.captured.AddDate(0, -3, 0)
	for i, a := range sp.apps {
		e := map[string]string{"Name": a.name, "Version": a.version, "Publisher": a.publisher, "Architecture": arch,
			"InstalledTime": InventoryCaptureTime(installed.Add(time.Duration(i) * 37 * time.Minute))}
		if !sp.windows {
			e["ApplicationType"] = "System Environment/Libraries"
			e["Release"] = a.release
			e["PackageId"] = a.name + "-" + a.version + "-" + a.release + ".src.rpm"
			e["Summary"] = a.summary
		}
		for k, v := range e {
			if v == "" {
				delete(e, k)
			}
		}
		apps = append(apps, e)
	}
	if len(apps) > 0 {
		items = append(items, item("AWS:Application", "1.1", apps))
	}
	var updates []map[string]string
	for i, kb := range sp.updates {
		updates = append(updates, map[string]string{"HotFixId": kb, "Description": "Security Update",
			"InstalledTime": InventoryCaptureTime(installed.AddDate(0, 0, i*7)), "InstalledBy": `NT AUTHORITY\SYSTEM`})
	}
	if len(updates) > 0 {
		items = append(items, item("AWS:WindowsUpdate", "1.0", updates))
	}
	for _, typ := range slices.Sorted(maps.Keys(sp.custom)) {
		items = append(items, item(typ, "1.0", sp.custom[typ]))
	}
	return info, items
}

// The applications the data installs, by platform.
var (
	al2023Apps = []app{
		{name: "amazon-ssm-agent", version: ssmAgentLatest, publisher: "Amazon Linux", release: "1.amzn2023", summary: "Manage EC2 Instances using Systems Manager"},
		{name: "openssl", version: "3.0.8", publisher: "Amazon Linux", release: "1.amzn2023.0.14", summary: "Utilities from the general purpose cryptography library with TLS implementation"},
		{name: "python3", version: "3.9.16", publisher: "Amazon Linux", release: "1.amzn2023.0.9", summary: "Python 3.9 interpreter"},
		{name: "curl-minimal", version: "8.5.0", publisher: "Amazon Linux", release: "1.amzn2023.0.4", summary: "Conservatively configured build of curl for minimal installations"},
	}
	nginxApp      = app{name: "nginx", version: "1.24.0", publisher: "Amazon Linux", release: "1.amzn2023.0.2", summary: "A high performance web server and reverse proxy server"}
	log4jOld      = app{name: "log4j", version: "2.14.1", publisher: "Apache Software Foundation", release: "3.amzn2023", summary: "Java logging package"}
	log4jFixed    = app{name: "log4j", version: "2.17.1", publisher: "Apache Software Foundation", release: "1.amzn2023", summary: "Java logging package"}
	corretto      = app{name: "java-17-amazon-corretto-headless", version: "17.0.13+11", publisher: "Amazon Linux", release: "1.amzn2023.1", summary: "Amazon Corretto runtime environment"}
	rhelApps      = []app{{name: "openssl", version: "3.0.7", publisher: "Red Hat, Inc.", release: "27.el9", summary: "Utilities from the general purpose cryptography library with TLS implementation"}, {name: "postgresql-server", version: "15.4", publisher: "Red Hat, Inc.", release: "1.el9", summary: "The programs needed to create and run a PostgreSQL server"}}
	windowsApps   = []app{{name: "Amazon SSM Agent", version: ssmAgentOld, publisher: "Amazon Web Services"}, {name: "Google Chrome", version: "130.0.6723.92", publisher: "Google LLC"}, {name: "7-Zip 23.01 (x64)", version: "23.01", publisher: "Igor Pavlov"}}
	sqlServerApp  = app{name: "Microsoft SQL Server 2019 (64-bit)", version: "15.0.2000.5", publisher: "Microsoft Corporation"}
	unicodeWinApp = app{name: "Notepad++ (64-bit x64) — «éditeur»", version: "8.6.2", publisher: "Notepad++ Team, \"Don Ho\""}
)

// demoManagedInstances makes some of the demo's running instances managed
// nodes of SSM, with inventory (applications, network, Windows updates),
// and adds two on-premises servers activated in the management account's
// us-east-1: Linux and Windows, online and with a lost connection, on the
// latest agent and an older one, associations that succeeded, failed and
// are pending, and the same applications at different versions across the
// organization. Run after the demo's instances exist.
func demoManagedInstances(ds *Dataset) {
	captured := func(d, h int) time.Time { return time.Date(2026, 10, 31, h, 0, 0, 0, time.UTC).AddDate(0, 0, -d) }
	linux := func(name string, apps []app, sp managedSpec) managedSpec {
		sp.name, sp.apps = name, append(slices.Clone(al2023Apps), apps...)
		sp.platformName, sp.platformVer = "Amazon Linux", "2023"
		if sp.agent == "" {
			sp.agent, sp.latest = ssmAgentLatest, true
		}
		if sp.association == "" {
			sp.association = "Success"
		}
		return sp
	}
	win := func(name string, apps []app, sp managedSpec) managedSpec {
		sp.name, sp.windows, sp.apps = name, true, append(slices.Clone(windowsApps), apps...)
		sp.platformName, sp.platformVer = "Microsoft Windows Server 2022 Datacenter", "10.0.20348"
		sp.agent, sp.updates = ssmAgentOld, []string{"KB5044281", "KB5043936"}
		return sp
	}
	dhmc := "AWSSystemsManagerDefaultEC2InstanceManagementRole"
	specs := map[string]map[string][]managedSpec{
		DemoAccountID: {
			"us-east-1": {
				linux("web-1", []app{nginxApp}, managedSpec{captured: captured(0, 6), role: dhmc}),
				linux("web-2", []app{nginxApp}, managedSpec{captured: captured(0, 6), role: dhmc}),
				linux("api-1", []app{corretto, log4jOld}, managedSpec{captured: captured(1, 6)}),
				win("win-app-1", []app{sqlServerApp, unicodeWinApp}, managedSpec{captured: captured(0, 7), association: "Failed"}),
				{name: "rhel-db-1", platformName: "Red Hat Enterprise Linux", platformVer: "9.5", agent: ssmAgentOld, association: "Success",
					apps: rhelApps, captured: captured(2, 5)},
				linux("bastion", nil, managedSpec{captured: captured(9, 4), connectionLost: true, agent: ssmAgentOld, association: "Pending"}),
				{name: "dc1-db-01", hybrid: true, activation: "datacenter-1", platformName: "Ubuntu", platformVer: "22.04", agent: ssmAgentLatest,
					latest: true, association: "Success", role: "SSMServiceRole", captured: captured(0, 3),
					apps:   []app{{name: "postgresql-14", version: "14.13", publisher: "Ubuntu Developers"}, {name: "openssl", version: "3.0.2", publisher: "Ubuntu Developers"}},
					custom: map[string][]map[string]string{"Custom:RackInfo": {{"Rack": `Bay 4, rack "C"`, "Owner": "Zoë O'Brien", "Unit": "12"}}}},
				{name: "dc1-build-02", hybrid: true, activation: "build-farm", windows: true, platformName: "Microsoft Windows Server 2019 Standard",
					platformVer: "10.0.17763", agent: ssmAgentOld, role: "SSMServiceRole", connectionLost: true, captured: captured(6, 12),
					apps: []app{{name: "Visual Studio Build Tools 2022", version: "17.8.34330.188", publisher: "Microsoft Corporation"}, windowsApps[1]}},
			},
			"eu-west-1": {
				linux("eu-web-1", []app{nginxApp}, managedSpec{captured: captured(0, 8)}),
				{name: "eu-rhel-1", platformName: "Red Hat Enterprise Linux", platformVer: "9.5", agent: ssmAgentLatest, latest: true,
					association: "Success", apps: rhelApps, captured: captured(0, 8)},
			},
		},
		"210987654321": { // web-prod
			"us-east-1": {
				linux("shop-web-1", []app{{name: "nginx", version: "1.26.2", publisher: "Amazon Linux", release: "1.amzn2023.0.1",
					summary: "A high performance web server and reverse proxy server"}}, managedSpec{captured: captured(0, 9)}),
				linux("shop-web-2", []app{nginxApp}, managedSpec{captured: captured(0, 9)}),
			},
		},
		"345678901234": { // data-prod
			"us-east-1": {
				linux("etl-1", []app{corretto, log4jFixed}, managedSpec{captured: captured(0, 10), role: dhmc}),
			},
		},
		"456789012345": { // sandbox-dev
			"us-west-2": {
				linux("dev-box-1", nil, managedSpec{captured: captured(3, 10), agent: ssmAgentOld}),
			},
		},
	}
	for _, a := range ds.Accounts {
		for _, region := range slices.Sorted(maps.Keys(specs[a.ID])) {
			r := a.Regions[region]
			s := newSite(partitionOf(ds), a.ID, region, 3)
			for _, sp := range specs[a.ID][region] {
				var inst *ec2types.Instance
				if !sp.hybrid {
					inst = instanceNamed(r.Instances, sp.name)
				}
				info, items := s.managed(sp, inst)
				r.ManagedInstances = append(r.ManagedInstances, info)
				r.Inventory = append(r.Inventory, items...)
			}
		}
	}
}

// instanceNamed finds a running instance by its Name tag: SSM lists only
// nodes that run (DescribeInstanceInformation leaves out stopped and
// terminated ones).
func instanceNamed(instances []ec2types.Instance, name string) *ec2types.Instance {
	for i := range instances {
		for _, t := range instances[i].Tags {
			if aws.ToString(t.Key) == "Name" && aws.ToString(t.Value) == name {
				if instances[i].State.Name != ec2types.InstanceStateNameRunning {
					panic("awsfake: managed instance " + name + " is not running")
				}
				return &instances[i]
			}
		}
	}
	panic("awsfake: no instance " + name)
}

// generateManaged makes the first n running instances of a generated
// region managed nodes, with applications drawn from a generator of their
// own, so that the other generated resources stay as they were.
func generateManaged(g GenOptions, s *site, r *Region, ri, accountIndex int) {
	if g.ManagedPerRegion == 0 {
		return
	}
	rng := rand.New(rand.NewPCG(uint64(g.Seed)^0x55a1, uint64(accountIndex)<<16|uint64(ri)))
	// Each draw picks one version of an application, or none.
	linuxPool := [][]app{{nginxApp, {name: "nginx", version: "1.26.2", publisher: "Amazon Linux", release: "1.amzn2023.0.1",
		summary: "A high performance web server"}}, {log4jOld, log4jFixed}, {corretto}}
	windowsPool := [][]app{{sqlServerApp}, {unicodeWinApp}}
	n := 0
	for i := range r.Instances {
		inst := &r.Instances[i]
		if n == g.ManagedPerRegion || inst.State.Name != ec2types.InstanceStateNameRunning {
			continue
		}
		n++
		sp := managedSpec{name: fmt.Sprintf("gen-%d", i), agent: ssmAgentLatest, latest: true, association: "Success",
			platformName: "Amazon Linux", platformVer: "2023", apps: slices.Clone(al2023Apps[:2]),
			captured: ReferenceTime().Add(-time.Duration(1+rng.IntN(72)) * time.Hour)}
		if inst.Platform == "windows" {
			sp.windows, sp.platformName, sp.platformVer, sp.apps = true, "Microsoft Windows Server 2022 Datacenter", "10.0.20348", slices.Clone(windowsApps)
		}
		if rng.IntN(3) == 0 {
			sp.agent, sp.latest = ssmAgentOld, false
		}
		pool := linuxPool
		if sp.windows {
			pool = windowsPool
		}
		for _, versions := range pool {
			if i := rng.IntN(len(versions) + 1); i < len(versions) {
				sp.apps = append(sp.apps, versions[i])
			}
		}
		info, items := s.managed(sp, inst)
		r.ManagedInstances = append(r.ManagedInstances, info)
		r.Inventory = append(r.Inventory, items...)
	}
}
