package quotas

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	sqtypes "github.com/aws/aws-sdk-go-v2/service/servicequotas/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/privateconnect/privateconnect/config"
)

// API is what ReadLive calls: Service Quotas' GetServiceQuota (the value
// applied to the account) and GetAWSDefaultServiceQuota (for a quota whose
// applied value Service Quotas does not keep: it answers NoSuchResource).
type API interface {
	GetServiceQuota(ctx context.Context, in *servicequotas.GetServiceQuotaInput, optFns ...func(*servicequotas.Options)) (*servicequotas.GetServiceQuotaOutput, error)
	GetAWSDefaultServiceQuota(ctx context.Context, in *servicequotas.GetAWSDefaultServiceQuotaInput, optFns ...func(*servicequotas.Options)) (*servicequotas.GetAWSDefaultServiceQuotaOutput, error)
}

// CallerAccount is the account the credentials of cfg belong to.
func CallerAccount(ctx context.Context, cfg aws.Config) (string, error) {
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.Account), nil
}

// serviceQuotasRegion is where a line's quota is read: its region, or
// us-east-1 for the global quotas.
func serviceQuotasRegion(l Line) string {
	if l.Region == config.GlobalQuotaKey {
		return "us-east-1"
	}
	return l.Region
}

// ReadLive fills in the live value of each line of account (the account the
// credentials are for), reading each quota once per region through
// api(region); lines of other accounts are marked as not read, with how to
// read them. It returns the number of values it could not read.
func ReadLive(ctx context.Context, lines []Line, account string, api func(region string) API) int {
	type key struct{ region, service, code string }
	cache := map[key]*int{}
	notes := map[key]string{}
	failed := 0
	for i := range lines {
		l := &lines[i]
		if l.Account != account {
			l.LiveNote = fmt.Sprintf("account %s not read: the credentials are for %s; read it with that account's credentials, e.g. AWS_PROFILE=<its profile> make quotas LIVE=1", l.Account, account)
			continue
		}
		if !strings.HasPrefix(l.Code, "L-") {
			l.LiveNote = fmt.Sprintf("%s: not in Service Quotas (AWS does not raise it); the plan holds the fleet to its documented value", l.Name)
			continue
		}
		k := key{serviceQuotasRegion(*l), l.Service, l.Code}
		if v, ok := cache[k]; ok {
			l.Live, l.LiveNote = v, notes[k]
		} else {
			v, note, err := readOne(ctx, api(k.region), l.Service, l.Code)
			if err != nil {
				failed++
				note = fmt.Sprintf("%s %s in %s not read: %v", l.Service, l.Code, k.region, err)
			}
			cache[k], notes[k] = v, note
			l.Live, l.LiveNote = v, note
		}
		if l.Live != nil && *l.Live < l.Need {
			l.IncreaseNeeded = true
			if l.Request == "" {
				l.Request = config.QuotaRequest(l.plan) + fmt.Sprintf(" (recorded %d, but the account has %d now)", l.Limit, *l.Live)
			}
		}
	}
	return failed
}

// readOne reads the applied value of a quota, or its default where Service
// Quotas keeps no applied value.
func readOne(ctx context.Context, api API, service, code string) (*int, string, error) {
	out, err := api.GetServiceQuota(ctx, &servicequotas.GetServiceQuotaInput{ServiceCode: aws.String(service), QuotaCode: aws.String(code)})
	var missing *sqtypes.NoSuchResourceException
	switch {
	case err == nil:
		return value(out.Quota), "", nil
	case !errors.As(err, &missing):
		return nil, "", err
	}
	def, err := api.GetAWSDefaultServiceQuota(ctx, &servicequotas.GetAWSDefaultServiceQuotaInput{ServiceCode: aws.String(service), QuotaCode: aws.String(code)})
	if err != nil {
		return nil, "", err
	}
	return value(def.Quota), "", nil
}

func value(q *sqtypes.ServiceQuota) *int {
	if q == nil || q.Value == nil {
		return nil
	}
	n := int(math.Floor(*q.Value))
	return &n
}

// NewAPI returns the Service Quotas client of a region.
func NewAPI(cfg aws.Config) func(region string) API {
	clients := map[string]API{}
	return func(region string) API {
		if c, ok := clients[region]; ok {
			return c
		}
		c := servicequotas.NewFromConfig(cfg, func(o *servicequotas.Options) { o.Region = region })
		clients[region] = c
		return c
	}
}
