// Package models mirrors the structs that go-swagger v0.33.1 generates for Harbor's
// api/v2.0/swagger.yaml request bodies (package name and type names as generated, so that
// encoding/json error texts print `models.RobotCreate` exactly as Harbor does).
//
// Only decoding matters here, so only the field types and the json tag names are mirrored:
//   - integer (with or without format int64)            -> int64
//   - x-nullable / x-isnullable scalar                  -> pointer to it
//   - $ref to an object definition                      -> pointer to the struct
//   - array of $ref                                     -> []*T
//   - string format date-time                           -> strfmt.DateTime
//
// None of these definitions uses allOf, a discriminator or additionalProperties, so
// go-swagger generates no UnmarshalJSON for them: encoding/json's reflection rules apply,
// and the only custom decoder involved is strfmt.DateTime's.
package models

import "github.com/go-openapi/strfmt"

// Access is definitions.Access.
type Access struct {
	Action   string `json:"action,omitempty"`
	Effect   string `json:"effect,omitempty"`
	Resource string `json:"resource,omitempty"`
}

// RobotPermission is definitions.RobotPermission.
type RobotPermission struct {
	Access    []*Access `json:"access"`
	Kind      string    `json:"kind,omitempty"`
	Namespace string    `json:"namespace,omitempty"`
}

// RobotCreate is the POST /robots body (param `robot`).
type RobotCreate struct {
	Description string             `json:"description,omitempty"`
	Disable     bool               `json:"disable,omitempty"`
	Duration    int64              `json:"duration,omitempty"`
	Level       string             `json:"level,omitempty"`
	Name        string             `json:"name,omitempty"`
	Permissions []*RobotPermission `json:"permissions"`
	Secret      string             `json:"secret,omitempty"`
}

// Robot is the PUT /robots/{robot_id} body (param `robot`).
type Robot struct {
	CreationTime strfmt.DateTime    `json:"creation_time,omitempty"`
	CreatorRef   int64              `json:"creator_ref,omitempty"`
	CreatorType  string             `json:"creator_type,omitempty"`
	Description  string             `json:"description,omitempty"`
	Disable      bool               `json:"disable"`
	Duration     *int64             `json:"duration,omitempty"`
	Editable     bool               `json:"editable"`
	ExpiresAt    int64              `json:"expires_at,omitempty"`
	ID           int64              `json:"id,omitempty"`
	Level        string             `json:"level,omitempty"`
	Name         string             `json:"name,omitempty"`
	Permissions  []*RobotPermission `json:"permissions"`
	Secret       string             `json:"secret,omitempty"`
	UpdateTime   strfmt.DateTime    `json:"update_time,omitempty"`
}

// RobotSec is the PATCH /robots/{robot_id} body (param `robotSec`).
type RobotSec struct {
	Secret string `json:"secret,omitempty"`
}

// ProjectMetadata is definitions.ProjectMetadata.
type ProjectMetadata struct {
	AutoSbomGeneration        *string `json:"auto_sbom_generation,omitempty"`
	AutoScan                  *string `json:"auto_scan,omitempty"`
	EnableContentTrust        *string `json:"enable_content_trust,omitempty"`
	EnableContentTrustCosign  *string `json:"enable_content_trust_cosign,omitempty"`
	MaxUpstreamConn           *string `json:"max_upstream_conn,omitempty"`
	PreventVul                *string `json:"prevent_vul,omitempty"`
	ProxyCacheFilterKind      *string `json:"proxy_cache_filter_kind,omitempty"`
	ProxyCacheFilterPattern   *string `json:"proxy_cache_filter_pattern,omitempty"`
	ProxyCacheLocalOnNotFound *string `json:"proxy_cache_local_on_not_found,omitempty"`
	ProxyReferrerAPI          *string `json:"proxy_referrer_api,omitempty"`
	ProxySpeedKb              *string `json:"proxy_speed_kb,omitempty"`
	Public                    string  `json:"public,omitempty"`
	RetentionID               *string `json:"retention_id,omitempty"`
	ReuseSysCVEAllowlist      *string `json:"reuse_sys_cve_allowlist,omitempty"`
	Severity                  *string `json:"severity,omitempty"`
}

// CVEAllowlistItem is definitions.CVEAllowlistItem.
type CVEAllowlistItem struct {
	CVEID string `json:"cve_id,omitempty"`
}

// CVEAllowlist is definitions.CVEAllowlist.
type CVEAllowlist struct {
	CreationTime strfmt.DateTime     `json:"creation_time,omitempty"`
	ExpiresAt    *int64              `json:"expires_at,omitempty"`
	ID           int64               `json:"id,omitempty"`
	Items        []*CVEAllowlistItem `json:"items"`
	ProjectID    int64               `json:"project_id,omitempty"`
	UpdateTime   strfmt.DateTime     `json:"update_time,omitempty"`
}

// ProjectReq is the POST /projects and PUT /projects/{id} body (param `project`).
type ProjectReq struct {
	CVEAllowlist *CVEAllowlist    `json:"cve_allowlist,omitempty"`
	Metadata     *ProjectMetadata `json:"metadata,omitempty"`
	ProjectName  string           `json:"project_name,omitempty"`
	Public       *bool            `json:"public,omitempty"`
	RegistryID   *int64           `json:"registry_id,omitempty"`
	StorageLimit *int64           `json:"storage_limit,omitempty"`
}

// UserEntity is definitions.UserEntity.
type UserEntity struct {
	UserID   int64  `json:"user_id,omitempty"`
	Username string `json:"username,omitempty"`
}

// UserGroup is definitions.UserGroup.
type UserGroup struct {
	GroupName   string `json:"group_name,omitempty"`
	GroupType   int64  `json:"group_type,omitempty"`
	ID          int64  `json:"id,omitempty"`
	LdapGroupDn string `json:"ldap_group_dn,omitempty"`
}

// ProjectMember is the POST /projects/{p}/members body (param `projectMember`, not required).
type ProjectMember struct {
	MemberGroup *UserGroup  `json:"member_group,omitempty"`
	MemberUser  *UserEntity `json:"member_user,omitempty"`
	RoleID      int64       `json:"role_id,omitempty"`
}

// RoleRequest is the PUT /projects/{p}/members/{mid} body (param `role`, not required).
type RoleRequest struct {
	RoleID int64 `json:"role_id,omitempty"`
}

// UserCreationReq is the POST /users body (param `userReq`).
type UserCreationReq struct {
	Comment  string `json:"comment,omitempty"`
	Email    string `json:"email,omitempty"`
	Password string `json:"password,omitempty"`
	Realname string `json:"realname,omitempty"`
	Username string `json:"username,omitempty"`
}

// UserProfile is the PUT /users/{user_id} body (param `profile`).
type UserProfile struct {
	Comment  string `json:"comment,omitempty"`
	Email    string `json:"email,omitempty"`
	Realname string `json:"realname,omitempty"`
}

// PasswordReq is the PUT /users/{id}/password body (param `password`).
type PasswordReq struct {
	NewPassword string `json:"new_password,omitempty"`
	OldPassword string `json:"old_password,omitempty"`
}

// UserSysAdminFlag is the PUT /users/{id}/sysadmin body (param `sysadminFlag`).
type UserSysAdminFlag struct {
	SysadminFlag bool `json:"sysadmin_flag"`
}

// Configurations is the PUT /configurations body (param `configurations`); every field is a pointer.
type Configurations struct {
	AuditLogForwardEndpoint          *string `json:"audit_log_forward_endpoint,omitempty"`
	AuthMode                         *string `json:"auth_mode,omitempty"`
	BannerMessage                    *string `json:"banner_message,omitempty"`
	DisabledAuditLogEventTypes       *string `json:"disabled_audit_log_event_types,omitempty"`
	HTTPAuthproxyAdminGroups         *string `json:"http_authproxy_admin_groups,omitempty"`
	HTTPAuthproxyAdminUsernames      *string `json:"http_authproxy_admin_usernames,omitempty"`
	HTTPAuthproxyEndpoint            *string `json:"http_authproxy_endpoint,omitempty"`
	HTTPAuthproxyServerCertificate   *string `json:"http_authproxy_server_certificate,omitempty"`
	HTTPAuthproxySkipSearch          *bool   `json:"http_authproxy_skip_search,omitempty"`
	HTTPAuthproxyTokenreviewEndpoint *string `json:"http_authproxy_tokenreview_endpoint,omitempty"`
	HTTPAuthproxyVerifyCert          *bool   `json:"http_authproxy_verify_cert,omitempty"`
	LdapBaseDn                       *string `json:"ldap_base_dn,omitempty"`
	LdapFilter                       *string `json:"ldap_filter,omitempty"`
	LdapGroupAdminDn                 *string `json:"ldap_group_admin_dn,omitempty"`
	LdapGroupAttachParallel          *bool   `json:"ldap_group_attach_parallel,omitempty"`
	LdapGroupAttributeName           *string `json:"ldap_group_attribute_name,omitempty"`
	LdapGroupBaseDn                  *string `json:"ldap_group_base_dn,omitempty"`
	LdapGroupMembershipAttribute     *string `json:"ldap_group_membership_attribute,omitempty"`
	LdapGroupSearchFilter            *string `json:"ldap_group_search_filter,omitempty"`
	LdapGroupSearchScope             *int64  `json:"ldap_group_search_scope,omitempty"`
	LdapScope                        *int64  `json:"ldap_scope,omitempty"`
	LdapSearchDn                     *string `json:"ldap_search_dn,omitempty"`
	LdapSearchPassword               *string `json:"ldap_search_password,omitempty"`
	LdapTimeout                      *int64  `json:"ldap_timeout,omitempty"`
	LdapUID                          *string `json:"ldap_uid,omitempty"`
	LdapURL                          *string `json:"ldap_url,omitempty"`
	LdapVerifyCert                   *bool   `json:"ldap_verify_cert,omitempty"`
	NotificationEnable               *bool   `json:"notification_enable,omitempty"`
	OIDCAdminGroup                   *string `json:"oidc_admin_group,omitempty"`
	OIDCAutoOnboard                  *bool   `json:"oidc_auto_onboard,omitempty"`
	OIDCClientID                     *string `json:"oidc_client_id,omitempty"`
	OIDCClientSecret                 *string `json:"oidc_client_secret,omitempty"`
	OIDCEndpoint                     *string `json:"oidc_endpoint,omitempty"`
	OIDCExtraRedirectParms           *string `json:"oidc_extra_redirect_parms,omitempty"`
	OIDCGroupFilter                  *string `json:"oidc_group_filter,omitempty"`
	OIDCGroupsClaim                  *string `json:"oidc_groups_claim,omitempty"`
	OIDCLogout                       *bool   `json:"oidc_logout,omitempty"`
	OIDCName                         *string `json:"oidc_name,omitempty"`
	OIDCScope                        *string `json:"oidc_scope,omitempty"`
	OIDCUserClaim                    *string `json:"oidc_user_claim,omitempty"`
	OIDCVerifyCert                   *bool   `json:"oidc_verify_cert,omitempty"`
	PrimaryAuthMode                  *bool   `json:"primary_auth_mode,omitempty"`
	ProjectCreationRestriction       *string `json:"project_creation_restriction,omitempty"`
	QuotaPerProjectEnable            *bool   `json:"quota_per_project_enable,omitempty"`
	ReadOnly                         *bool   `json:"read_only,omitempty"`
	RobotNamePrefix                  *string `json:"robot_name_prefix,omitempty"`
	RobotTokenDuration               *int64  `json:"robot_token_duration,omitempty"`
	ScannerSkipUpdatePulltime        *bool   `json:"scanner_skip_update_pulltime,omitempty"`
	SelfRegistration                 *bool   `json:"self_registration,omitempty"`
	SessionTimeout                   *int64  `json:"session_timeout,omitempty"`
	SkipAuditLogDatabase             *bool   `json:"skip_audit_log_database,omitempty"`
	StoragePerProject                *int64  `json:"storage_per_project,omitempty"`
	TokenExpiration                  *int64  `json:"token_expiration,omitempty"`
	UaaClientID                      *string `json:"uaa_client_id,omitempty"`
	UaaClientSecret                  *string `json:"uaa_client_secret,omitempty"`
	UaaEndpoint                      *string `json:"uaa_endpoint,omitempty"`
	UaaVerifyCert                    *bool   `json:"uaa_verify_cert,omitempty"`
}
