/**
 * Request bodies recorded from real kubectl 1.32.5 (`kubectl.1.32 <command>` against the fake
 * server in kubectl-capture.ts, namespace default), base64. Regenerate with captureKubectlWrites.
 */
export interface KubectlFixture {
  command: string;
  path: string;
  body: string;
}

export const KUBECTL_1_32_BODIES = {
  configmap: {
    command: 'create configmap x --from-literal=a=b',
    path: '/api/v1/namespaces/default/configmaps',
    body: 'azhzAAoPCgJ2MRIJQ29uZmlnTWFwEhsKEQoBeBIAGgAiACoAMgA4AEIAEgYKAWESAWIaACIA',
  },
  deployment: {
    command: 'create deployment web --image=nginx',
    path: '/apis/apps/v1/namespaces/default/deployments',
    body: 'azhzAAoVCgdhcHBzL3YxEgpEZXBsb3ltZW50EqsBCh8KA3dlYhIAGgAiACoAMgA4AEIAWgoKA2FwcBIDd2ViEnoIARIMCgoKA2FwcBIDd2ViGmAKHAoAEgAaACIAKgAyADgAQgBaCgoDYXBwEgN3ZWISQBIiCgVuZ2lueBIFbmdpbngqAEIAagByAIABAIgBAJABAKIBABoAMgBCAEoAUgBYAGAAaACCAQCKAQCaAQDCAQAiAgoAKAA4ABoMCAAQABgAIAAoADgAGgAiAA==',
  },
  namespace: {
    command: 'create namespace x',
    path: '/api/v1/namespaces',
    body: 'azhzAAoPCgJ2MRIJTmFtZXNwYWNlEhkKEQoBeBIAGgAiACoAMgA4AEIAEgAaAgoAGgAiAA==',
  },
  secret: {
    command: 'create secret generic s --from-literal=a=b',
    path: '/api/v1/namespaces/default/secrets',
    body: 'azhzAAoMCgJ2MRIGU2VjcmV0Eh0KEQoBcxIAGgAiACoAMgA4AEIAEgYKAWESAWIaABoAIgA=',
  },
  service: {
    command: 'create service clusterip svc --tcp=80:8080',
    path: '/api/v1/namespaces/default/services',
    body: 'azhzAAoNCgJ2MRIHU2VydmljZRJpCh8KA3N2YxIAGgAiACoAMgA4AEIAWgoKA2FwcBIDc3ZjEkIKGwoHODAtODA4MBIDVENQGFAiBwgAEJA/GgAoABIKCgNhcHASA3N2YxoAIglDbHVzdGVySVA6AEIAUgBaAGAAaAAaAgoAGgAiAA==',
  },
  serviceaccount: {
    command: 'create serviceaccount sa',
    path: '/api/v1/namespaces/default/serviceaccounts',
    body: 'azhzAAoUCgJ2MRIOU2VydmljZUFjY291bnQSFAoSCgJzYRIAGgAiACoAMgA4AEIAGgAiAA==',
  },
  quota: {
    command: 'create quota q --hard=cpu=1,pods=2',
    path: '/api/v1/namespaces/default/resourcequotas',
    body: 'azhzAAoTCgJ2MRINUmVzb3VyY2VRdW90YRIwChEKAXESABoAIgAqADIAOABCABIZCgoKA2NwdRIDCgExCgsKBHBvZHMSAwoBMhoAGgAiAA==',
  },
  role: {
    command: 'create role r --verb=get --resource=pods',
    path: '/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles',
    body: 'azhzAAokChxyYmFjLmF1dGhvcml6YXRpb24uazhzLmlvL3YxEgRSb2xlEiIKEQoBchIAGgAiACoAMgA4AEIAEg0KA2dldBIAGgRwb2RzGgAiAA==',
  },
  rolebinding: {
    command: 'create rolebinding rb --role=x --user=u',
    path: '/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings',
    body: 'azhzAAorChxyYmFjLmF1dGhvcml6YXRpb24uazhzLmlvL3YxEgtSb2xlQmluZGluZxJiChIKAnJiEgAaACIAKgAyADgAQgASJgoEVXNlchIZcmJhYy5hdXRob3JpemF0aW9uLms4cy5pbxoBdSIAGiQKGXJiYWMuYXV0aG9yaXphdGlvbi5rOHMuaW8SBFJvbGUaAXgaACIA',
  },
  clusterrole: {
    command: 'create clusterrole cr --verb=get --resource=pods',
    path: '/apis/rbac.authorization.k8s.io/v1/clusterroles',
    body: 'azhzAAorChxyYmFjLmF1dGhvcml6YXRpb24uazhzLmlvL3YxEgtDbHVzdGVyUm9sZRIjChIKAmNyEgAaACIAKgAyADgAQgASDQoDZ2V0EgAaBHBvZHMaACIA',
  },
  clusterrolebinding: {
    command: 'create clusterrolebinding crb --clusterrole=x --user=u',
    path: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
    body: 'azhzAAoyChxyYmFjLmF1dGhvcml6YXRpb24uazhzLmlvL3YxEhJDbHVzdGVyUm9sZUJpbmRpbmcSagoTCgNjcmISABoAIgAqADIAOABCABImCgRVc2VyEhlyYmFjLmF1dGhvcml6YXRpb24uazhzLmlvGgF1IgAaKwoZcmJhYy5hdXRob3JpemF0aW9uLms4cy5pbxILQ2x1c3RlclJvbGUaAXgaACIA',
  },
  job: {
    command: 'create job report --image=busybox -- date',
    path: '/apis/batch/v1/namespaces/default/jobs',
    body: 'azhzAAoPCghiYXRjaC92MRIDSm9iEogBChYKBnJlcG9ydBIAGgAiACoAMgA4AEIAEmQyYgoQCgASABoAIgAqADIAOABCABJOEisKBnJlcG9ydBIHYnVzeWJveBoEZGF0ZSoAQgBqAHIAgAEAiAEAkAEAogEAGgVOZXZlcjIAQgBKAFIAWABgAGgAggEAigEAmgEAwgEAGgggACgAMAA6ABoAIgA=',
  },
  cronjob: {
    command: "create cronjob nightly --image=busybox --schedule='*/5 * * * *' -- date",
    path: '/apis/batch/v1/namespaces/default/cronjobs',
    body: 'azhzAAoTCghiYXRjaC92MRIHQ3JvbkpvYhK0AQoXCgduaWdodGx5EgAaACIAKgAyADgAQgASlgEKCyovNSAqICogKiAqGgAqhAEKFwoHbmlnaHRseRIAGgAiACoAMgA4AEIAEmkyZwoQCgASABoAIgAqADIAOABCABJTEiwKB25pZ2h0bHkSB2J1c3lib3gaBGRhdGUqAEIAagByAIABAIgBAJABAKIBABoJT25GYWlsdXJlMgBCAEoAUgBYAGAAaACCAQCKAQCaAQDCAQAaABoAIgA=',
  },
  priorityclass: {
    command: "create priorityclass high --value=1000 --description='high priority' --preemption-policy=Never",
    path: '/apis/scheduling.k8s.io/v1/priorityclasses',
    body: 'azhzAAolChRzY2hlZHVsaW5nLms4cy5pby92MRINUHJpb3JpdHlDbGFzcxIxChQKBGhpZ2gSABoAIgAqADIAOABCABDoBxgAIg1oaWdoIHByaW9yaXR5KgVOZXZlchoAIgA=',
  },
  poddisruptionbudget: {
    command: 'create poddisruptionbudget pdb --selector=app=web --min-available=50%',
    path: '/apis/policy/v1/namespaces/default/poddisruptionbudgets',
    body: 'azhzAAogCglwb2xpY3kvdjESE1BvZERpc3J1cHRpb25CdWRnZXQSPAoTCgNwZGISABoAIgAqADIAOABCABIZCgkIARAAGgM1MCUSDAoKCgNhcHASA3dlYhoKCAAYACAAKAAwABoAIgA=',
  },
  ingress: {
    command: 'create ingress shop --class=nginx --rule=shop.example.com/=web:80,tls=shop-tls',
    path: '/apis/networking.k8s.io/v1/namespaces/default/ingresses',
    body: 'azhzAAofChRuZXR3b3JraW5nLms4cy5pby92MRIHSW5ncmVzcxJ0ChQKBHNob3ASABoAIgAqADIAOABCABJYEhwKEHNob3AuZXhhbXBsZS5jb20SCHNob3AtdGxzGjEKEHNob3AuZXhhbXBsZS5jb20SHQobChkKAS8SDSILCgN3ZWISBAoAEFAaBUV4YWN0IgVuZ2lueBoCCgAaACIA',
  },
  canI: {
    command: 'auth can-i create pods',
    path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
    body: 'azhzAAoyChdhdXRob3JpemF0aW9uLms4cy5pby92MRIXU2VsZlN1YmplY3RBY2Nlc3NSZXZpZXcSPwoQCgASABoAIgAqADIAOABCABIhCh8KB2RlZmF1bHQSBmNyZWF0ZRoAIgAqBHBvZHMyADoAGggIABIAGgAgABoAIgA=',
  },
} satisfies Record<string, KubectlFixture>;
