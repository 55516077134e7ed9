module github.com/harbor-mock/harbor-mock/tests/clients/go

go 1.24

replace github.com/harbor-mock/harbor-mock/sdk/go => ../../../sdk/go

require (
	github.com/go-openapi/runtime v0.26.2
	github.com/goharbor/go-client v0.213.1
	github.com/harbor-mock/harbor-mock/sdk/go v0.0.0
	github.com/mittwald/goharbor-client/v5 v5.6.5
)

require (
	github.com/asaskevich/govalidator v0.0.0-20230301143203-a9d515a09cc2 // indirect
	github.com/go-logr/logr v1.4.1 // indirect
	github.com/go-logr/stdr v1.2.2 // indirect
	github.com/go-openapi/analysis v0.22.0 // indirect
	github.com/go-openapi/errors v0.21.0 // indirect
	github.com/go-openapi/jsonpointer v0.20.2 // indirect
	github.com/go-openapi/jsonreference v0.20.4 // indirect
	github.com/go-openapi/loads v0.21.4 // indirect
	github.com/go-openapi/spec v0.20.13 // indirect
	github.com/go-openapi/strfmt v0.21.10 // indirect
	github.com/go-openapi/swag v0.22.6 // indirect
	github.com/go-openapi/validate v0.22.4 // indirect
	github.com/gogo/protobuf v1.3.2 // indirect
	github.com/goharbor/harbor/src v0.0.0-20231101063948-5cbb1b010a7b // indirect
	github.com/google/gofuzz v1.2.0 // indirect
	github.com/josharian/intern v1.0.0 // indirect
	github.com/mailru/easyjson v0.7.7 // indirect
	github.com/mitchellh/mapstructure v1.5.0 // indirect
	github.com/oklog/ulid v1.3.1 // indirect
	github.com/opentracing/opentracing-go v1.2.0 // indirect
	github.com/pkg/errors v0.9.1 // indirect
	go.mongodb.org/mongo-driver v1.13.1 // indirect
	go.opentelemetry.io/otel v1.21.0 // indirect
	go.opentelemetry.io/otel/metric v1.21.0 // indirect
	go.opentelemetry.io/otel/trace v1.21.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
	k8s.io/apimachinery v0.29.0 // indirect
	k8s.io/klog/v2 v2.110.1 // indirect
)
