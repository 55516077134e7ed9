package example

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-openapi/runtime"
	"github.com/goharbor/go-client/pkg/harbor"
	"github.com/goharbor/go-client/pkg/sdk/v2.0/client"
	"github.com/goharbor/go-client/pkg/sdk/v2.0/client/robot"
	"github.com/goharbor/go-client/pkg/sdk/v2.0/models"
	harbormock "github.com/harbor-mock/harbor-mock/sdk/go"
)

// api is go-client's API for an instance. ClientSetConfig.URL keeps a non-empty path as the
// base path, so a session's APIURL (…/sessions/ID/api/v2.0) is given whole.
func api(t *testing.T, instance *harbormock.Instance, username, password string) *client.HarborAPI {
	t.Helper()
	cs, err := harbor.NewClientSet(&harbor.ClientSetConfig{URL: instance.APIURL(), Username: username, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	return cs.V2()
}

func ciRobot() *robot.CreateRobotParams {
	return &robot.CreateRobotParams{Robot: &models.RobotCreate{
		Name: "ci", Duration: 30, Level: "project",
		Permissions: []*models.RobotPermission{{Kind: "project", Namespace: "library", Access: []*models.Access{
			{Resource: "repository", Action: "pull"}, {Resource: "robot", Action: "read"},
		}}},
	}}
}

func TestRobots(t *testing.T) {
	mock := harbormock.Start(t) // one server; each subtest works in a session of its own
	ctx := context.Background()

	t.Run("a robot expires when the clock moves on", func(t *testing.T) {
		t.Parallel()
		session := mock.Session(t)
		created, err := api(t, session.Instance, "admin", "Harbor12345").Robot.CreateRobot(ctx, ciRobot())
		if err != nil || created.Payload.Name != "robot$library+ci" {
			t.Fatalf("create: %v %+v", err, created)
		}
		asRobot := api(t, session.Instance, created.Payload.Name, created.Payload.Secret)
		if _, err := asRobot.Robot.GetRobotByID(ctx, &robot.GetRobotByIDParams{RobotID: created.Payload.ID}); err != nil {
			t.Fatal(err)
		}
		session.Clock().Advance(31 * 24 * time.Hour)
		_, err = asRobot.Robot.GetRobotByID(ctx, &robot.GetRobotByIDParams{RobotID: created.Payload.ID})
		if !errors.As(err, new(*robot.GetRobotByIDUnauthorized)) {
			t.Fatalf("an expired robot logged in: %v", err)
		}
		var calls []string
		for _, e := range session.Journal() {
			calls = append(calls, fmt.Sprintf("%s %d %s", e.Method, e.Status, e.Caller))
		}
		if got := strings.Join(calls, ", "); got != "POST 201 admin, GET 200 robot$library+ci, GET 401 anonymous" {
			t.Fatalf("journal: %s", got)
		}
	})

	t.Run("faults reach the client", func(t *testing.T) {
		t.Parallel()
		session := mock.Session(t)
		admin := api(t, session.Instance, "admin", "Harbor12345")
		session.Faults().Add(harbormock.Fault{Method: "GET", Path: "/api/v2.0/robots/*", Status: 503, Times: 1})
		created, err := admin.Robot.CreateRobot(ctx, ciRobot())
		if err != nil {
			t.Fatal(err)
		}
		get := &robot.GetRobotByIDParams{RobotID: created.Payload.ID}
		var apiErr *runtime.APIError
		if _, err := admin.Robot.GetRobotByID(ctx, get); !errors.As(err, &apiErr) || apiErr.Code != 503 {
			t.Fatalf("want a 503, got %v", err)
		}
		if _, err := admin.Robot.GetRobotByID(ctx, get); err != nil {
			t.Fatal(err)
		}
		session.Reset()
		if _, err := admin.Robot.GetRobotByID(ctx, get); !errors.As(err, new(*robot.GetRobotByIDNotFound)) {
			t.Fatalf("after reset: %v", err)
		}
	})

	t.Run("sessions do not share robots", func(t *testing.T) {
		t.Parallel()
		for range 2 { // two sessions, the same robot: no conflict
			session := mock.Session(t)
			admin := api(t, session.Instance, "admin", "Harbor12345")
			if _, err := admin.Robot.CreateRobot(ctx, ciRobot()); err != nil {
				t.Fatal(err)
			}
			q := "Level=project,ProjectID=1"
			list, err := admin.Robot.ListRobot(ctx, &robot.ListRobotParams{Q: &q})
			if err != nil || len(list.Payload) != 1 {
				t.Fatalf("list: %v %+v", err, list)
			}
		}
	})
}
