package config

// Producer modes: how a customer exposes a service to the vendor.
const (
	// ModeNlb: a Network Load Balancer in front of the targets, behind a VPC
	// endpoint service; the vendor reaches it by an interface endpoint.
	ModeNlb = "nlb"
	// ModeResourceGateway: a resource gateway and a resource configuration of
	// the database, shared through AWS RAM; the vendor reaches it by a VPC
	// endpoint of type Resource.
	// https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-resources.html
	ModeResourceGateway = "resourceGateway"
)

// ViaResourceGateway reports whether the vendor reaches the service by a
// resource endpoint (a shared resource configuration) rather than an
// interface endpoint to an endpoint service.
func (s Service) ViaResourceGateway() bool {
	return s.ResourceConfigurationArn != "" || (s.Producer != nil && s.Producer.Mode == ModeResourceGateway)
}

// Pending reports whether the customer has not sent what the vendor's
// endpoint connects to yet: no endpoint is built for the service.
func (s Service) Pending() bool { return s.ServiceName == "" && s.ResourceConfigurationArn == "" }

// Address is what the vendor's endpoint connects to: the endpoint service
// name, or the resource configuration ARN; "" while pending.
func (s Service) Address() string {
	if s.ResourceConfigurationArn != "" {
		return s.ResourceConfigurationArn
	}
	return s.ServiceName
}
