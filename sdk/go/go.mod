module github.com/harbor-mock/harbor-mock/sdk/go

go 1.24
