package clients

// goharbor/go-client v0.213.1 (go-swagger, Harbor 2.13.1's swagger): the typed API that
// harbor-cli, operators and CI tools use. Built the way its README builds it (harbor.NewClientSet),
// or through harbor.Config when a test records the request bodies.

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-openapi/runtime"
	httptransport "github.com/go-openapi/runtime/client"
	"github.com/goharbor/go-client/pkg/harbor"
	v2 "github.com/goharbor/go-client/pkg/sdk/v2.0/client"
	"github.com/goharbor/go-client/pkg/sdk/v2.0/client/health"
	"github.com/goharbor/go-client/pkg/sdk/v2.0/client/ping"
	"github.com/goharbor/go-client/pkg/sdk/v2.0/client/project"
	"github.com/goharbor/go-client/pkg/sdk/v2.0/client/robot"
	"github.com/goharbor/go-client/pkg/sdk/v2.0/models"
	harbormock "github.com/harbor-mock/harbor-mock/sdk/go"
)

// goClient is go-client for an instance, as harbor.NewClientSet builds it. A session's
// APIURL is given whole: ClientSetConfig.URL keeps a non-empty path as the base path.
func goClient(t *testing.T, instance *harbormock.Instance, username, password string) *v2.HarborAPI {
	t.Helper()
	cs, err := harbor.NewClientSet(&harbor.ClientSetConfig{URL: instance.APIURL(), Username: username, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	return cs.V2()
}

// goClientRecorded is go-client through harbor.Config with a transport that keeps every body.
func goClientRecorded(t *testing.T, instance *harbormock.Instance, username, password string) (*v2.HarborAPI, *recorder) {
	t.Helper()
	rec := newRecorder()
	cfg := harbor.Config{
		URL:       mustParse(t, instance.APIURL()),
		Transport: rec,
		AuthInfo:  httptransport.BasicAuth(username, password),
	}
	return v2.New(cfg.ToV2Config()), rec
}

func systemRobot(name string, duration int64) *models.RobotCreate {
	return &models.RobotCreate{
		Name: name, Duration: duration, Level: "system", Description: "deploys",
		Permissions: []*models.RobotPermission{
			{Kind: "system", Namespace: "/", Access: []*models.Access{{Resource: "project", Action: "list"}}},
			{Kind: "project", Namespace: "*", Access: []*models.Access{{Resource: "repository", Action: "pull"}}},
		},
	}
}

func projectRobot(name string) *models.RobotCreate {
	return &models.RobotCreate{
		Name: name, Duration: 30, Level: "project",
		Permissions: []*models.RobotPermission{{Kind: "project", Namespace: "library", Access: []*models.Access{
			{Resource: "repository", Action: "pull"}, {Resource: "robot", Action: "read"},
		}}},
	}
}

// payloadOf returns the Harbor error envelope of a typed go-swagger error.
func payloadOf(t *testing.T, err error) *models.Error {
	t.Helper()
	var typed interface{ GetPayload() *models.Errors }
	if !errors.As(err, &typed) {
		t.Fatalf("want a typed error with Harbor's envelope, got %T: %v", err, err)
	}
	p := typed.GetPayload()
	if p == nil || len(p.Errors) != 1 {
		t.Fatalf("want one error in the envelope, got %+v", p)
	}
	return p.Errors[0]
}

func TestGoClientSystemRobotLifecycle(t *testing.T) {
	mock := startMock(t)
	ctx := context.Background()
	session := mock.Session(t)
	admin, rec := goClientRecorded(t, session.Instance, adminUser, adminPassword)

	// Create: 201 with the secret, Location and X-Request-Id captured by the reader.
	created, err := admin.Robot.CreateRobot(ctx, &robot.CreateRobotParams{Robot: systemRobot("deployer", 30)})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "name", created.Payload.Name, "robot$deployer")
	equal(t, "secret length", len(created.Payload.Secret), 32)
	equal(t, "Location", created.Location, "/api/v2.0/robots/"+itoa(created.Payload.ID))
	if created.XRequestID == "" {
		t.Fatal("no X-Request-Id on the 201")
	}
	equal(t, "creation_time", time.Time(created.Payload.CreationTime).UTC(), clock)
	equal(t, "expires_at", created.Payload.ExpiresAt, clock.Unix()+30*86400)

	// Get: the typed Robot, duration a pointer (Harbor >= 2.11 x-nullable).
	got, err := admin.Robot.GetRobotByID(ctx, &robot.GetRobotByIDParams{RobotID: created.Payload.ID})
	if err != nil {
		t.Fatal(err)
	}
	r := got.Payload
	equal(t, "level", r.Level, "system")
	equal(t, "duration", *r.Duration, int64(30))
	equal(t, "editable", r.Editable, true)
	equal(t, "description", r.Description, "deploys")
	equal(t, "creator", r.CreatorType+":"+itoa(r.CreatorRef), "local:1")
	equal(t, "secret on GET", r.Secret, "")
	equal(t, "scopes", len(r.Permissions), 2)
	equal(t, "first scope", r.Permissions[0].Kind+" "+r.Permissions[0].Namespace+" "+
		r.Permissions[0].Access[0].Resource+":"+r.Permissions[0].Access[0].Action, "system / project:list")

	// Update by sending back the fetched object, with its read-only fields (id, editable,
	// expires_at, creation and update times) as GET gave them: Harbor ignores them.
	r.Description = "deploys to production"
	r.Disable = true
	r.Duration = ptr(int64(60))
	if _, err := admin.Robot.UpdateRobot(ctx, &robot.UpdateRobotParams{RobotID: r.ID, Robot: r}); err != nil {
		t.Fatal(err)
	}
	put := rec.last(t, "PUT", "/robots/"+itoa(r.ID))
	equal(t, "PUT status", put.Status, http.StatusOK)
	contains(t, "PUT body", put.Body, `"creation_time":"2026-01-01T00:00:00.123Z"`, `"name":"robot$deployer"`, `"duration":60`)
	again, err := admin.Robot.GetRobotByID(ctx, &robot.GetRobotByIDParams{RobotID: r.ID})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "description after PUT", again.Payload.Description, "deploys to production")
	equal(t, "disable after PUT", again.Payload.Disable, true)
	equal(t, "duration after PUT", *again.Payload.Duration, int64(60))
	// A changed duration counts from the creation time, not from now (spec §8).
	equal(t, "expires_at after PUT", again.Payload.ExpiresAt, clock.Unix()+60*86400)
	equal(t, "creation_time kept", time.Time(again.Payload.CreationTime).UTC(), clock)

	// Update with a Robot built from scratch, as harbor-cli's UpdateRobot builds it: go-openapi
	// writes the DateTimes it was not given as Go's zero time, and Harbor ignores them.
	fresh := &models.Robot{
		ID: r.ID, Name: r.Name, Level: r.Level, Duration: r.Duration, Description: "rebuilt",
		Permissions: r.Permissions,
	}
	if _, err := admin.Robot.UpdateRobot(ctx, &robot.UpdateRobotParams{RobotID: r.ID, Robot: fresh}); err != nil {
		t.Fatal(err)
	}
	put = rec.last(t, "PUT", "/robots/"+itoa(r.ID))
	contains(t, "rebuilt PUT body", put.Body, `"creation_time":"0001-01-01T00:00:00.000Z"`,
		`"update_time":"0001-01-01T00:00:00.000Z"`, `"disable":false`, `"editable":false`)
	rebuilt, err := admin.Robot.GetRobotByID(ctx, &robot.GetRobotByIDParams{RobotID: r.ID})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "creation_time after a zero one was sent", time.Time(rebuilt.Payload.CreationTime).UTC(), clock)
	equal(t, "editable after false was sent", rebuilt.Payload.Editable, true)
	equal(t, "disable: a PUT replaces it", rebuilt.Payload.Disable, false)
	equal(t, "description", rebuilt.Payload.Description, "rebuilt")

	// Delete: 200 with an empty body, then 404 as the typed DeleteRobotNotFound.
	if _, err := admin.Robot.DeleteRobot(ctx, &robot.DeleteRobotParams{RobotID: r.ID}); err != nil {
		t.Fatal(err)
	}
	_, err = admin.Robot.DeleteRobot(ctx, &robot.DeleteRobotParams{RobotID: r.ID})
	if !errors.As(err, new(*robot.DeleteRobotNotFound)) {
		t.Fatalf("second delete: want DeleteRobotNotFound, got %T %v", err, err)
	}
	e := payloadOf(t, err)
	equal(t, "404 envelope", e.Code+" "+e.Message, "NOT_FOUND robot "+itoa(r.ID)+" not found")

	lines(t, "journal", calls(session), []string{
		"POST /api/v2.0/robots 201 admin",
		"GET /api/v2.0/robots/1 200 admin",
		"PUT /api/v2.0/robots/1 200 admin",
		"GET /api/v2.0/robots/1 200 admin",
		"PUT /api/v2.0/robots/1 200 admin",
		"GET /api/v2.0/robots/1 200 admin",
		"DELETE /api/v2.0/robots/1 200 admin",
		"DELETE /api/v2.0/robots/1 404 admin",
	})
}

func TestGoClientProjectRobotsListFilterAndPage(t *testing.T) {
	mock := startMock(t)
	ctx := context.Background()
	session := mock.Session(t)
	admin := goClient(t, session.Instance, adminUser, adminPassword)
	for _, name := range []string{"ci", "ci-nightly", "release", "scanner"} {
		if _, err := admin.Robot.CreateRobot(ctx, &robot.CreateRobotParams{Robot: projectRobot(name)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := admin.Robot.CreateRobot(ctx, &robot.CreateRobotParams{Robot: systemRobot("ops", -1)}); err != nil {
		t.Fatal(err)
	}

	// No q: system robots only.
	all, err := admin.Robot.ListRobot(ctx, &robot.ListRobotParams{})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "system robots", names(all.Payload), "robot$ops")
	equal(t, "X-Total-Count", all.XTotalCount, int64(1))
	equal(t, "expires_at of a robot that never expires", all.Payload[0].ExpiresAt, int64(-1))

	// The project's robots, a page of two: X-Total-Count and Link parsed into the typed answer.
	q := "Level=project,ProjectID=1"
	page, err := admin.Robot.ListRobot(ctx, &robot.ListRobotParams{Q: &q, Page: ptr(int64(1)), PageSize: ptr(int64(2)), Sort: ptr("name")})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "page 1", names(page.Payload), "robot$library+ci robot$library+ci-nightly")
	equal(t, "X-Total-Count", page.XTotalCount, int64(4))
	equal(t, "Link", page.Link, `</api/v2.0/robots?page=2&page_size=2&q=Level=project,ProjectID=1&sort=name>; rel="next"`)

	// Fuzzy name match on the stored name (no prefix), and descending sort.
	fuzzy := "Level=project,ProjectID=1,name=~ci"
	matched, err := admin.Robot.ListRobot(ctx, &robot.ListRobotParams{Q: &fuzzy, Sort: ptr("-name")})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "fuzzy", names(matched.Payload), "robot$library+ci-nightly robot$library+ci")
	equal(t, "fuzzy count", matched.XTotalCount, int64(2))

	// An exact name needs the project's "+", which q decodes twice (spec §10.8): go-client
	// escapes the parameter once, so the caller writes %2B.
	exact := "Level=project,ProjectID=1,name=library%2Brelease"
	one, err := admin.Robot.ListRobot(ctx, &robot.ListRobotParams{Q: &exact})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "exact", names(one.Payload), "robot$library+release")

	// A bad q is the typed 400.
	bad := "Level=project"
	_, err = admin.Robot.ListRobot(ctx, &robot.ListRobotParams{Q: &bad})
	if !errors.As(err, new(*robot.ListRobotBadRequest)) {
		t.Fatalf("want ListRobotBadRequest, got %T %v", err, err)
	}
	e := payloadOf(t, err)
	equal(t, "400 message", e.Message, "must with project ID when to query project robots")

	// The project robot reads itself with its own secret.
	created, err := admin.Robot.CreateRobot(ctx, &robot.CreateRobotParams{Robot: projectRobot("reader")})
	if err != nil {
		t.Fatal(err)
	}
	self := goClient(t, session.Instance, created.Payload.Name, created.Payload.Secret)
	read, err := self.Robot.GetRobotByID(ctx, &robot.GetRobotByIDParams{RobotID: created.Payload.ID})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "namespace", read.Payload.Permissions[0].Namespace, "library")
	journal := calls(session, harbormock.JournalFilter{Method: "GET", Path: "/api/v2.0/robots/*"})
	lines(t, "robot's own GET", journal, []string{"GET /api/v2.0/robots/6 200 robot$library+reader"})
}

func TestGoClientSecretRefresh(t *testing.T) {
	mock := startMock(t)
	ctx := context.Background()
	session := mock.Session(t)
	admin := goClient(t, session.Instance, adminUser, adminPassword)
	created, err := admin.Robot.CreateRobot(ctx, &robot.CreateRobotParams{Robot: projectRobot("ci")})
	if err != nil {
		t.Fatal(err)
	}
	id := created.Payload.ID
	get := &robot.GetRobotByIDParams{RobotID: id}

	// Generated: RobotSec{} is sent as {} (secret is omitempty); the new secret comes back.
	generated, err := admin.Robot.RefreshSec(ctx, &robot.RefreshSecParams{RobotID: id, RobotSec: &models.RobotSec{}})
	if err != nil {
		t.Fatal(err)
	}
	fresh := generated.Payload.Secret
	equal(t, "generated secret length", len(fresh), 32)
	if fresh == created.Payload.Secret {
		t.Fatal("the refresh kept the secret")
	}
	if _, err := goClient(t, session.Instance, created.Payload.Name, created.Payload.Secret).Robot.GetRobotByID(ctx, get); !errors.As(err, new(*robot.GetRobotByIDUnauthorized)) {
		t.Fatalf("the old secret still works: %T %v", err, err)
	}
	if _, err := goClient(t, session.Instance, created.Payload.Name, fresh).Robot.GetRobotByID(ctx, get); err != nil {
		t.Fatalf("the new secret: %v", err)
	}

	// Provided: Harbor answers {} and the robot logs in with the secret it chose.
	provided, err := admin.Robot.RefreshSec(ctx, &robot.RefreshSecParams{RobotID: id, RobotSec: &models.RobotSec{Secret: "My-Own-Secret-1"}})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "secret in the answer to a provided secret", provided.Payload.Secret, "")
	if _, err := goClient(t, session.Instance, created.Payload.Name, "My-Own-Secret-1").Robot.GetRobotByID(ctx, get); err != nil {
		t.Fatalf("the provided secret: %v", err)
	}

	// A weak secret is the typed 400 with Harbor's rule in the message.
	_, err = admin.Robot.RefreshSec(ctx, &robot.RefreshSecParams{RobotID: id, RobotSec: &models.RobotSec{Secret: "weak"}})
	if !errors.As(err, new(*robot.RefreshSecBadRequest)) {
		t.Fatalf("want RefreshSecBadRequest, got %T %v", err, err)
	}
	equal(t, "400 message", payloadOf(t, err).Message,
		"the secret must be 8-128, inclusively, characters long with at least 1 uppercase letter, 1 lowercase letter and 1 number")
	// No robot may refresh a secret, not even its own.
	self := goClient(t, session.Instance, created.Payload.Name, "My-Own-Secret-1")
	_, err = self.Robot.RefreshSec(ctx, &robot.RefreshSecParams{RobotID: id, RobotSec: &models.RobotSec{}})
	if !errors.As(err, new(*robot.RefreshSecForbidden)) {
		t.Fatalf("want RefreshSecForbidden, got %T %v", err, err)
	}
}

func TestGoClientTypedErrors(t *testing.T) {
	mock := startMock(t)
	ctx := context.Background()
	session := mock.Session(t)
	admin := goClient(t, session.Instance, adminUser, adminPassword)
	bob := goClient(t, session.Instance, bobUser, bobPassword)
	stranger := goClient(t, session.Instance, adminUser, "wrong")

	cases := []struct {
		name       string
		call       func() error
		typed      any // a pointer to the expected error type
		code, text string
	}{
		{"400 bad name", func() error {
			_, err := admin.Robot.CreateRobot(ctx, &robot.CreateRobotParams{Robot: projectRobot("Bad+Name")})
			return err
		}, new(*robot.CreateRobotBadRequest), "BAD_REQUEST", "robot name is not in lower case or contains illegal characters"},
		{"400 missing duration (RobotCreate.duration is omitempty)", func() error {
			r := projectRobot("ci")
			r.Duration = 0
			_, err := admin.Robot.CreateRobot(ctx, &robot.CreateRobotParams{Robot: r})
			return err
		}, new(*robot.CreateRobotBadRequest), "BAD_REQUEST", "bad request error duration input: 0, duration must be either -1(Never) or a positive integer"},
		{"401 wrong password", func() error {
			_, err := stranger.Robot.GetRobotByID(ctx, &robot.GetRobotByIDParams{RobotID: 1})
			return err
		}, new(*robot.GetRobotByIDUnauthorized), "UNAUTHORIZED", "unauthorized"},
		{"403 developer creating a project robot", func() error {
			_, err := bob.Robot.CreateRobot(ctx, &robot.CreateRobotParams{Robot: projectRobot("ci")})
			return err
		}, new(*robot.CreateRobotForbidden), "FORBIDDEN", "forbidden"},
		{"403 system robot by a user: the message is the caller", func() error {
			_, err := bob.Robot.CreateRobot(ctx, &robot.CreateRobotParams{Robot: systemRobot("ops", 30)})
			return err
		}, new(*robot.CreateRobotForbidden), "FORBIDDEN", "bob"},
		{"404 unknown robot", func() error {
			_, err := admin.Robot.GetRobotByID(ctx, &robot.GetRobotByIDParams{RobotID: 999})
			return err
		}, new(*robot.GetRobotByIDNotFound), "NOT_FOUND", "robot 999 not found"},
		{"404 unknown project", func() error {
			r := projectRobot("ci")
			r.Permissions[0].Namespace = "nope"
			_, err := admin.Robot.CreateRobot(ctx, &robot.CreateRobotParams{Robot: r})
			return err
		}, new(*robot.CreateRobotNotFound), "NOT_FOUND", "project nope not found"},
		{"404 update of a deleted robot", func() error {
			_, err := admin.Robot.UpdateRobot(ctx, &robot.UpdateRobotParams{RobotID: 999, Robot: &models.Robot{
				Name: "robot$x", Level: "system", Duration: ptr(int64(1)), Permissions: systemRobot("x", 1).Permissions}})
			return err
		}, new(*robot.UpdateRobotNotFound), "NOT_FOUND", "robot 999 not found"},
	}
	for _, c := range cases {
		err := c.call()
		if err == nil {
			t.Fatalf("%s: no error", c.name)
		}
		if !errors.As(err, c.typed) {
			t.Fatalf("%s: want %T, got %T %v", c.name, c.typed, err, err)
		}
		e := payloadOf(t, err)
		equal(t, c.name, e.Code+": "+e.Message, c.code+": "+c.text)
	}

	// Statuses the swagger does not declare for an operation arrive as runtime.APIError:
	// 409 on create (a duplicate), 403 on list (a developer listing system robots).
	if _, err := admin.Robot.CreateRobot(ctx, &robot.CreateRobotParams{Robot: projectRobot("ci")}); err != nil {
		t.Fatal(err)
	}
	_, err := admin.Robot.CreateRobot(ctx, &robot.CreateRobotParams{Robot: projectRobot("ci")})
	var apiErr *runtime.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != http.StatusConflict {
		t.Fatalf("duplicate: want runtime.APIError 409, got %T %v", err, err)
	}
	_, err = bob.Robot.ListRobot(ctx, &robot.ListRobotParams{})
	if !errors.As(err, &apiErr) || apiErr.Code != http.StatusForbidden {
		t.Fatalf("bob lists system robots: want runtime.APIError 403, got %T %v", err, err)
	}
	lines(t, "journal of the undeclared statuses", calls(session, harbormock.JournalFilter{Status: 409}),
		[]string{"POST /api/v2.0/robots 409 admin"})
}

func TestGoClientHealthPingAndProjects(t *testing.T) {
	mock := startMock(t)
	ctx := context.Background()
	session := mock.Session(t)
	admin := goClient(t, session.Instance, adminUser, adminPassword)

	h, err := admin.Health.GetHealth(ctx, &health.GetHealthParams{})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "health", h.Payload.Status, "healthy")
	var components []string
	for _, c := range h.Payload.Components {
		components = append(components, c.Name+"="+c.Status)
	}
	equal(t, "components", strings.Join(components, " "),
		"core=healthy database=healthy jobservice=healthy portal=healthy redis=healthy registry=healthy registryctl=healthy")

	// /ping is text/plain: go-client's TextConsumer reads it into a string.
	pong, err := admin.Ping.GetPing(ctx, &ping.GetPingParams{})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "ping", pong.Payload, "Pong")

	// Projects by name (X-Is-Resource-Name: true) and by id (the header false, as harbor-cli sends it).
	byName, err := admin.Project.GetProject(ctx, &project.GetProjectParams{ProjectNameOrID: "library", XIsResourceName: ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "by name", byName.Payload.Name+" "+itoa(int64(byName.Payload.ProjectID))+" "+byName.Payload.OwnerName+" "+byName.Payload.Metadata.Public, "library 1 admin true")
	byID, err := admin.Project.GetProject(ctx, &project.GetProjectParams{ProjectNameOrID: "1", XIsResourceName: ptr(false)})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "by id", byID.Payload.Name, "library")
	list, err := admin.Project.ListProjects(ctx, &project.ListProjectsParams{Name: ptr("lib"), Page: ptr(int64(1)), PageSize: ptr(int64(10))})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "listed", len(list.Payload), 1)
	equal(t, "X-Total-Count of projects", list.XTotalCount, int64(1))

	// A missing project: the 404 is not in getProject's swagger responses, so runtime.APIError.
	_, err = admin.Project.GetProject(ctx, &project.GetProjectParams{ProjectNameOrID: "nope", XIsResourceName: ptr(true)})
	var apiErr *runtime.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != http.StatusNotFound {
		t.Fatalf("missing project: want runtime.APIError 404, got %T %v", err, err)
	}
	var headers []string
	for _, e := range session.Journal(harbormock.JournalFilter{Path: "/api/v2.0/projects/*"}) {
		headers = append(headers, e.Headers["x-is-resource-name"]+" "+itoa(int64(e.Status)))
	}
	lines(t, "X-Is-Resource-Name sent and statuses", headers, []string{"true 200", "false 200", "true 404"})
}

// names joins the robots' names with spaces.
func names(robots []*models.Robot) string {
	var out []string
	for _, r := range robots {
		out = append(out, r.Name)
	}
	return strings.Join(out, " ")
}
