package clients

// mittwald/goharbor-client v5.6.5 (go-swagger v0.25, Harbor 2.9.1's swagger): the client of
// mittwald's harbor-operator and of many CI tools. Built as its README builds it
// (apiv2.NewRESTClientForHost with the URL ending in /api), paging with its default options.

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/go-openapi/runtime"
	harbormock "github.com/harbor-mock/harbor-mock/sdk/go"
	"github.com/mittwald/goharbor-client/v5/apiv2"
	"github.com/mittwald/goharbor-client/v5/apiv2/model"
	"github.com/mittwald/goharbor-client/v5/apiv2/pkg/config"
	merrors "github.com/mittwald/goharbor-client/v5/apiv2/pkg/errors"
)

// mittwald is the client for an instance; opts nil means config.Defaults() (page 1, size 10).
func mittwald(t *testing.T, instance *harbormock.Instance, username, password string, opts *config.Options) *apiv2.RESTClient {
	t.Helper()
	c, err := apiv2.NewRESTClientForHost(instance.URL()+"/api", username, password, opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// mittwaldRobot is the robot of mittwald's own integration test (robot_integration_test.go):
// a system-level robot with one project scope on library.
func mittwaldRobot(name string) *model.RobotCreate {
	return &model.RobotCreate{
		Description: "test", Duration: 30, Level: "system", Name: name,
		Permissions: []*model.RobotPermission{{
			Access: []*model.Access{{Action: "pull", Resource: "repository"}},
			Kind:   "project", Namespace: "library",
		}},
	}
}

// As mittwald's TestAPIListRobots_Multiple: 44 robots, listed through X-Total-Count paging.
func TestMittwaldListPagesThroughTotalCount(t *testing.T) {
	mock := startMock(t)
	ctx := context.Background()
	session := mock.Session(t)
	c := mittwald(t, session.Instance, adminUser, adminPassword, nil)
	const count = 44
	for i := range count {
		if _, err := c.NewRobotAccount(ctx, mittwaldRobot(strconv.Itoa(i))); err != nil {
			t.Fatalf("robot %d: %v", i, err)
		}
	}
	session.ClearJournal()

	robots, err := c.ListRobotAccounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "robots listed", len(robots), count)
	seen := map[string]bool{}
	for _, r := range robots {
		seen[r.Name] = true
	}
	equal(t, "distinct robots", len(seen), count)
	// Five pages of ten: the loop stops once it holds X-Total-Count robots, sending neither an
	// empty q nor an empty sort.
	lines(t, "pages requested", calls(session), []string{
		"GET /api/v2.0/robots?page=1&page_size=10 200 admin",
		"GET /api/v2.0/robots?page=2&page_size=10 200 admin",
		"GET /api/v2.0/robots?page=3&page_size=10 200 admin",
		"GET /api/v2.0/robots?page=4&page_size=10 200 admin",
		"GET /api/v2.0/robots?page=5&page_size=10 200 admin",
	})

	// Delete them by name as the integration test does, including the 45th that never was.
	for i := 0; i <= count; i++ {
		err := c.DeleteRobotAccountByName(ctx, strconv.Itoa(i))
		if i < count && err != nil {
			t.Fatalf("delete %d: %v", i, err)
		}
		if i == count && !errors.As(err, new(*merrors.ErrRobotAccountUnknownResource)) {
			t.Fatalf("delete of a robot that never was: %T %v", err, err)
		}
	}
	left, err := c.ListRobotAccounts(ctx)
	if err != nil || len(left) != 0 {
		t.Fatalf("after deleting all: %v %d left", err, len(left))
	}
}

func TestMittwaldRobotWorkflowByName(t *testing.T) {
	mock := startMock(t)
	ctx := context.Background()
	session := mock.Session(t)
	c := mittwald(t, session.Instance, adminUser, adminPassword, nil)

	created, err := c.NewRobotAccount(ctx, mittwaldRobot("test-robot"))
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "created", created.Name, "robot$test-robot")

	// GetRobotAccountByName lists every system robot and matches "robot$" + name.
	r, err := c.GetRobotAccountByName(ctx, "test-robot")
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "fetched", r.ID, created.ID)
	equal(t, "duration", r.Duration, int64(30))
	equal(t, "expires_at", r.ExpiresAt, created.ExpiresAt)

	// UpdateRobotAccount sends back the fetched v2.9 model: creation and update times as GET
	// gave them, editable, and the full name.
	r.Description = "test-updated"
	r.Permissions[0].Access = []*model.Access{{Action: "push", Resource: "repository"}, {Action: "pull", Resource: "repository"}}
	if err := c.UpdateRobotAccount(ctx, r); err != nil {
		t.Fatal(err)
	}
	updated, err := c.GetRobotAccountByID(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "description", updated.Description, "test-updated")
	equal(t, "accesses", len(updated.Permissions[0].Access), 2)

	// The v2.9 model's duration is int64,omitempty: a 0 is not sent, and Harbor >= 2.11
	// then keeps the stored duration (on <= 2.10 it fell back to 30 days).
	updated.Duration = 0
	updated.Description = "no duration sent"
	if err := c.UpdateRobotAccount(ctx, updated); err != nil {
		t.Fatal(err)
	}
	kept, err := c.GetRobotAccountByID(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "duration kept", kept.Duration, int64(30))
	equal(t, "description", kept.Description, "no duration sent")

	// Secrets: a provided one by name (answer {}), then a generated one by id.
	sec, err := c.RefreshRobotAccountSecretByName(ctx, "test-robot", "aVeryL0000ngSecret")
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "secret answered for a provided one", sec.Secret, "")
	// The robot reads the public library either way; the journal says who the mock took it for.
	asRobot := mittwald(t, session.Instance, created.Name, "aVeryL0000ngSecret", nil)
	if _, err := asRobot.GetProject(ctx, "library"); err != nil {
		t.Fatalf("the robot with its provided secret: %v", err)
	}
	gen, err := c.RefreshRobotAccountSecretByID(ctx, r.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "generated secret length", len(gen.Secret), 32)
	if _, err := asRobot.GetProject(ctx, "library"); err != nil {
		t.Fatalf("library is public: %v", err)
	}
	if _, err := mittwald(t, session.Instance, created.Name, gen.Secret, nil).GetProject(ctx, "library"); err != nil {
		t.Fatal(err)
	}
	lines(t, "callers", calls(session, harbormock.JournalFilter{Path: "/api/v2.0/projects/*"}), []string{
		"GET /api/v2.0/projects/library 200 robot$test-robot",
		"GET /api/v2.0/projects/library 200 anonymous",
		"GET /api/v2.0/projects/library 200 robot$test-robot",
	})

	if err := c.DeleteRobotAccountByName(ctx, "test-robot"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetRobotAccountByID(ctx, r.ID); err == nil || !strings.Contains(err.Error(), "[404]") {
		t.Fatalf("after delete: %v", err)
	}
}

func TestMittwaldQueryOptionsSelectProjectRobots(t *testing.T) {
	mock := startMock(t)
	ctx := context.Background()
	session := mock.Session(t)
	admin := mittwald(t, session.Instance, adminUser, adminPassword, nil)
	for _, name := range []string{"ci", "deploy", "scan"} {
		r := mittwaldRobot(name)
		r.Level = "project"
		if _, err := admin.NewRobotAccount(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := admin.NewRobotAccount(ctx, mittwaldRobot("ops")); err != nil {
		t.Fatal(err)
	}

	// Without q only system robots come back; Options.Query selects the project's, and a
	// project robot is then found by "<project>+<name>".
	all, err := admin.ListRobotAccounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "system robots", len(all), 1)
	opts := config.Defaults().WithQuery("Level=project,ProjectID=1").WithPageSize(2).WithSort("-name")
	inLibrary := mittwald(t, session.Instance, adminUser, adminPassword, opts)
	robots, err := inLibrary.ListRobotAccounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range robots {
		got = append(got, r.Name)
	}
	equal(t, "project robots", strings.Join(got, " "), "robot$library+scan robot$library+deploy robot$library+ci")
	ci, err := inLibrary.GetRobotAccountByName(ctx, "library+ci")
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "by name", ci.Level, "project")
	lines(t, "project pages", calls(session, harbormock.JournalFilter{Method: "GET", Path: "/api/v2.0/robots"})[1:3], []string{
		"GET /api/v2.0/robots?page=1&page_size=2&q=Level%3Dproject%2CProjectID%3D1&sort=-name 200 admin",
		"GET /api/v2.0/robots?page=2&page_size=2&q=Level%3Dproject%2CProjectID%3D1&sort=-name 200 admin",
	})

	// A fuzzy name filter.
	fuzzy := mittwald(t, session.Instance, adminUser, adminPassword, config.Defaults().WithQuery("Level=project,ProjectID=1,name=~de"))
	matched, err := fuzzy.ListRobotAccounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "fuzzy", len(matched), 1)
	equal(t, "fuzzy name", matched[0].Name, "robot$library+deploy")
}

func TestMittwaldErrorTypes(t *testing.T) {
	mock := startMock(t)
	ctx := context.Background()
	session := mock.Session(t)
	admin := mittwald(t, session.Instance, adminUser, adminPassword, nil)
	bob := mittwald(t, session.Instance, bobUser, bobPassword, nil)
	stranger := mittwald(t, session.Instance, adminUser, "wrong", nil)

	// 400: CreateRobotBadRequest mapped to ErrRobotAccountInvalid.
	_, err := admin.NewRobotAccount(ctx, mittwaldRobot("Not Valid"))
	if !errors.As(err, new(*merrors.ErrRobotAccountInvalid)) {
		t.Fatalf("400: %T %v", err, err)
	}
	// 400 too for duration 0, which RobotCreate's omitempty leaves out (Harbor >= 2.11).
	zero := mittwaldRobot("zero")
	zero.Duration = 0
	if _, err := admin.NewRobotAccount(ctx, zero); !errors.As(err, new(*merrors.ErrRobotAccountInvalid)) {
		t.Fatalf("duration 0: %T %v", err, err)
	}
	// 401 and 403 on list are not in its swagger responses: runtime.APIError, mapped.
	if _, err := stranger.ListRobotAccounts(ctx); !errors.As(err, new(*merrors.ErrRobotAccountUnauthorized)) {
		t.Fatalf("401: %T %v", err, err)
	}
	if _, err := bob.ListRobotAccounts(ctx); !errors.As(err, new(*merrors.ErrRobotAccountNoPermission)) {
		t.Fatalf("403: %T %v", err, err)
	}
	// 404 on get is declared, so the generated type comes through unmapped with its payload.
	_, err = admin.GetRobotAccountByID(ctx, 999)
	var typed interface{ GetPayload() *model.Errors }
	if !errors.As(err, &typed) || !strings.Contains(err.Error(), "[404] getRobotByIdNotFound") {
		t.Fatalf("404: %T %v", err, err)
	}
	equal(t, "404 payload", typed.GetPayload().Errors[0].Message, "robot 999 not found")
	// 404 on update is mapped.
	missing := &model.Robot{ID: 999, Name: "robot$x", Level: "system", Duration: 1, Permissions: mittwaldRobot("x").Permissions}
	if err := admin.UpdateRobotAccount(ctx, missing); !errors.As(err, new(*merrors.ErrRobotAccountUnknownResource)) {
		t.Fatalf("404 on update: %T %v", err, err)
	}
	// 409: not declared for create and not mapped, so the bare runtime.APIError.
	if _, err := admin.NewRobotAccount(ctx, mittwaldRobot("twice")); err != nil {
		t.Fatal(err)
	}
	_, err = admin.NewRobotAccount(ctx, mittwaldRobot("twice"))
	var apiErr *runtime.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != http.StatusConflict {
		t.Fatalf("409: %T %v", err, err)
	}
	lines(t, "statuses", calls(session, harbormock.JournalFilter{Path: "/api/v2.0/robots*"}), []string{
		"POST /api/v2.0/robots 400 admin",
		"POST /api/v2.0/robots 400 admin",
		"GET /api/v2.0/robots?page=1&page_size=10 401 anonymous",
		"GET /api/v2.0/robots?page=1&page_size=10 403 bob",
		"GET /api/v2.0/robots/999 404 admin",
		"PUT /api/v2.0/robots/999 404 admin",
		"POST /api/v2.0/robots 201 admin",
		"POST /api/v2.0/robots 409 admin",
	})
}

func TestMittwaldHealthAndProjects(t *testing.T) {
	mock := startMock(t)
	ctx := context.Background()
	session := mock.Session(t)
	admin := mittwald(t, session.Instance, adminUser, adminPassword, nil)

	h, err := admin.GetHealth(ctx)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "health", h.Status, "healthy")
	equal(t, "components", len(h.Components), 7)
	pong, err := admin.GetPing(ctx)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "ping", pong, "Pong")

	// GetProject sends no X-Is-Resource-Name: a numeric segment is an id, anything else a name.
	byName, err := admin.GetProject(ctx, "library")
	if err != nil {
		t.Fatal(err)
	}
	byID, err := admin.GetProject(ctx, "1")
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "by name and id", byName.Name+" "+byID.Name+" "+strconv.Itoa(int(byID.ProjectID)), "library library 1")
	listed, err := admin.ListProjects(ctx, "lib")
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "listed", len(listed), 1)

	// A project of its own, found by name and then deleted (DeleteProject checks it exists).
	if err := admin.NewProject(ctx, &model.ProjectReq{ProjectName: "team", Metadata: &model.ProjectMetadata{Public: "false"}}); err != nil {
		t.Fatal(err)
	}
	team, err := admin.GetProject(ctx, "team")
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "team", team.ProjectID, int32(2))
	if err := admin.NewProject(ctx, &model.ProjectReq{ProjectName: "team"}); !errors.As(err, new(*merrors.ErrProjectNameAlreadyExists)) {
		t.Fatalf("duplicate project: %T %v", err, err)
	}
	if err := admin.DeleteProject(ctx, "team"); err != nil {
		t.Fatal(err)
	}

	// A missing project: 404 for the admin, 403 for a user (Harbor hides which projects exist).
	if _, err := admin.GetProject(ctx, "nope"); !errors.As(err, new(*merrors.ErrProjectNotFound)) {
		t.Fatalf("missing project as admin: %T %v", err, err)
	}
	bob := mittwald(t, session.Instance, bobUser, bobPassword, nil)
	if _, err := bob.GetProject(ctx, "nope"); !errors.As(err, new(*merrors.ErrProjectNoPermission)) {
		t.Fatalf("missing project as bob: %T %v", err, err)
	}
	for _, e := range session.Journal(harbormock.JournalFilter{Method: "GET", Path: "/api/v2.0/projects/*"}) {
		if _, sent := e.Headers["x-is-resource-name"]; sent {
			t.Fatalf("mittwald sent X-Is-Resource-Name: %+v", e)
		}
	}
}

// Two things mittwald's client does that no Harbor >= 2.13 answers as it expects; the mock
// answers as Harbor does, and these tests pin the client's side of it (docs/clients.md).
func TestMittwaldQuirks(t *testing.T) {
	ctx := context.Background()

	t.Run("the robot$ prefix is hard-coded in the by-name methods", func(t *testing.T) {
		// Harbor's robot_name_prefix is a setting; with another prefix the robot is listed
		// under its real name but never matched.
		mock := harbormock.Start(t, harbormock.WithRobotPrefix("bot-"))
		session := mock.Session(t)
		c := mittwald(t, session.Instance, adminUser, adminPassword, nil)
		created, err := c.NewRobotAccount(ctx, mittwaldRobot("ci"))
		if err != nil {
			t.Fatal(err)
		}
		equal(t, "name on the wire", created.Name, "bot-ci")
		listed, err := c.ListRobotAccounts(ctx)
		if err != nil || len(listed) != 1 || listed[0].Name != "bot-ci" {
			t.Fatalf("listed: %v %+v", err, listed)
		}
		if _, err := c.GetRobotAccountByName(ctx, "ci"); !errors.As(err, new(*merrors.ErrRobotAccountUnknownResource)) {
			t.Fatalf("want ErrRobotAccountUnknownResource, got %T %v", err, err)
		}
	})

	t.Run("the v1 project robot API is gone", func(t *testing.T) {
		// /projects/{project_name_or_id}/robots was removed in Harbor 2.13: a 404 for a path
		// the router does not know, which the v1 client maps to "resource unknown".
		mock := startMock(t)
		session := mock.Session(t)
		c := mittwald(t, session.Instance, adminUser, adminPassword, nil)
		_, err := c.ListProjectRobotsV1(ctx, "library")
		var typed interface{ GetPayload() *model.Errors }
		if !errors.As(err, &typed) {
			t.Fatalf("want the typed 404, got %T %v", err, err)
		}
		e := typed.GetPayload().Errors[0]
		equal(t, "404", e.Code+" "+e.Message, "NOT_FOUND path /api/v2.0/projects/library/robots was not found")
		lines(t, "journal", calls(session), []string{"GET /api/v2.0/projects/library/robots?page=1&page_size=10 404 admin"})
	})
}
