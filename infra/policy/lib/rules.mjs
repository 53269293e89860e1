// Bazaar's infrastructure policy, as plain functions over the parsed HCL (lib/hcl.mjs). Each rule returns the
// list of violations it finds in a tree of configurations; an empty list means the tree complies.
//
// The rules can be exact because of how the code is written: modules hard-code invariants (storage_encrypted =
// true), environment roots pass literals (multi_az = true), and IAM policies are aws_iam_policy_document data
// sources. Rule `iam-least-privilege` enforces the last point so no policy escapes the other checks.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { blocks, infraRoot, repoRoot } from './hcl.mjs';

const YAML = createRequire(new URL('../../../tools/validate/package.json', import.meta.url))('yaml');

export const REQUIRED_TAGS = ['Project', 'Environment', 'Owner', 'CostCenter', 'ManagedBy'];
const SSE_ALGORITHMS = new Set(['AES256', 'aws:kms', 'aws:kms:dsse']);
const CONTROL_PLANE_LOGS = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];
const WAF_MANAGED_GROUPS = ['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesSQLiRuleSet', 'AWSManagedRulesAmazonIpReputationList'];

// --- helpers -----------------------------------------------------------------------------------------------------

const at = (config, item, kind = 'resource') =>
  `${config.dir}/${item.file}: ${kind === 'module' ? `module.${item.name}` : `${kind === 'data' ? 'data.' : ''}${item.type}.${item.name}`}`;
const isExpr = (v) => typeof v === 'string' && v.includes('${');
const isVarRef = (v) => typeof v === 'string' && /^\$\{var\.[\w.]+\}$/.test(v);
const text = (v) => JSON.stringify(v ?? null);
const first = (body, name) => blocks(body, name)[0];
const list = (v) => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
/** Names of resources of `type` an attribute refers to ("${aws_s3_bucket.this.id}" -> ["this"]). */
const refs = (value, type) => [...text(value).matchAll(new RegExp(`${type}\\.([\\w-]+)\\b`, 'g'))].map((m) => m[1]);
/** String literals quoted inside an expression ("${x ? \"AES256\" : \"aws:kms\"}" -> ["AES256", "aws:kms"]). */
const quoted = (expr) => [...String(expr).matchAll(/\\?"([^"\\]*)\\?"/g)].map((m) => m[1]);
const resources = (config, type) => config.resources.filter((r) => r.type === type);
const policyDocs = (config) => config.data.filter((d) => d.type === 'aws_iam_policy_document');

/** Resolves "${local.x}" against the configuration's locals; literals come back as they are. */
function resolve(config, value) {
  const m = typeof value === 'string' && value.match(/^\$\{local\.(\w+)\}$/);
  return m ? config.locals[m[1]] : value;
}

function* each(tree, kinds = ['env', 'root', 'module']) {
  for (const config of tree.values()) if (kinds.includes(config.kind)) yield config;
}

/** Resources of `type` attached to the given bucket resource (by reference) in the same configuration. */
const attachedTo = (config, type, bucket) => resources(config, type).filter((r) => refs(r.body.bucket, 'aws_s3_bucket').includes(bucket.name));

// --- rules -------------------------------------------------------------------------------------------------------

export const rules = [];
const rule = (id, title, check) => rules.push({ id, title, check });

rule('encryption-at-rest', 'data at rest is encrypted (S3, Aurora, Redis, logs, secrets, images, volumes, backups, topics)', (tree) => {
  const problems = [];
  const need = (ok, config, r, what) => { if (!ok) problems.push(`${at(config, r)}: ${what}`); };
  for (const config of each(tree)) {
    for (const r of config.resources) {
      const b = r.body;
      switch (r.type) {
        case 'aws_s3_bucket': {
          const sse = attachedTo(config, 'aws_s3_bucket_server_side_encryption_configuration', r);
          const algorithms = sse.flatMap((s) => blocks(s.body, 'rule').flatMap((x) => blocks(x, 'apply_server_side_encryption_by_default')))
            .flatMap((d) => (isExpr(d.sse_algorithm) ? quoted(d.sse_algorithm) : [d.sse_algorithm]));
          need(algorithms.length > 0 && algorithms.every((a) => SSE_ALGORITHMS.has(a)), config, r, 'needs default encryption (aws_s3_bucket_server_side_encryption_configuration with SSE-KMS or SSE-S3)');
          break;
        }
        case 'aws_rds_cluster':
        case 'aws_db_instance':
          need(b.storage_encrypted === true && b.kms_key_id !== undefined, config, r, 'needs storage_encrypted = true and a customer-managed kms_key_id');
          break;
        case 'aws_rds_cluster_instance':
          need(b.performance_insights_enabled !== true || b.performance_insights_kms_key_id !== undefined, config, r, 'Performance Insights data needs performance_insights_kms_key_id');
          break;
        case 'aws_elasticache_replication_group':
          need(b.at_rest_encryption_enabled === true && b.kms_key_id !== undefined, config, r, 'needs at_rest_encryption_enabled = true and kms_key_id');
          break;
        case 'aws_cloudwatch_log_group':
          need(b.kms_key_id !== undefined, config, r, 'needs kms_key_id');
          break;
        case 'aws_eks_cluster': {
          const enc = first(b, 'encryption_config');
          need(enc && list(enc.resources).includes('secrets') && first(enc, 'provider')?.key_arn, config, r, 'needs encryption_config of "secrets" with a KMS key');
          break;
        }
        case 'aws_sns_topic':
          need(b.kms_master_key_id !== undefined, config, r, 'needs kms_master_key_id');
          break;
        case 'aws_sqs_queue':
          need(b.kms_master_key_id !== undefined || b.sqs_managed_sse_enabled === true, config, r, 'needs SSE (kms_master_key_id or sqs_managed_sse_enabled)');
          break;
        case 'aws_secretsmanager_secret':
          need(b.kms_key_id !== undefined, config, r, 'needs a customer-managed kms_key_id');
          break;
        case 'aws_ecr_repository':
          need(first(b, 'encryption_configuration')?.encryption_type === 'KMS', config, r, 'needs encryption_configuration with encryption_type = "KMS"');
          break;
        case 'aws_backup_vault':
          need(b.kms_key_arn !== undefined, config, r, 'needs kms_key_arn');
          break;
        case 'aws_launch_template':
          need(blocks(b, 'block_device_mappings').length > 0 && blocks(b, 'block_device_mappings').every((m) => blocks(m, 'ebs').every((e) => e.encrypted === true)), config, r, 'every EBS block device needs encrypted = true');
          break;
        case 'aws_ebs_volume':
        case 'aws_efs_file_system':
          need(b.encrypted === true, config, r, 'needs encrypted = true');
          break;
        case 'aws_prometheus_workspace':
          need(b.kms_key_arn !== undefined, config, r, 'needs kms_key_arn');
          break;
        case 'aws_cloudtrail':
          need(b.kms_key_id !== undefined && b.enable_log_file_validation === true, config, r, 'needs kms_key_id and enable_log_file_validation = true');
          break;
        case 'aws_synthetics_canary':
          need(first(first(b, 'artifact_config'), 's3_encryption')?.encryption_mode === 'SSE_KMS', config, r, 'canary artifacts need s3_encryption SSE_KMS');
          break;
        case 'aws_kms_key':
          need(b.enable_key_rotation === true, config, r, 'needs enable_key_rotation = true');
          break;
        default:
      }
    }
  }
  return problems;
});

rule('tls-in-transit', 'TLS is enforced in transit (rds.force_ssl, Redis TLS, HTTPS-only CloudFront, TLS-only bucket policies)', (tree) => {
  const problems = [];
  for (const config of each(tree)) {
    const forceSslGroups = resources(config, 'aws_rds_cluster_parameter_group')
      .filter((g) => blocks(g.body, 'parameter').some((p) => p.name === 'rds.force_ssl' && String(p.value) === '1'))
      .map((g) => g.name);
    for (const r of resources(config, 'aws_rds_cluster')) {
      if (!refs(r.body.db_cluster_parameter_group_name, 'aws_rds_cluster_parameter_group').some((n) => forceSslGroups.includes(n))) {
        problems.push(`${at(config, r)}: needs a cluster parameter group with rds.force_ssl = 1`);
      }
    }
    for (const r of resources(config, 'aws_elasticache_replication_group')) {
      if (r.body.transit_encryption_enabled !== true || r.body.transit_encryption_mode === 'preferred') {
        problems.push(`${at(config, r)}: needs transit_encryption_enabled = true (mode required)`);
      }
    }
    for (const r of resources(config, 'aws_cloudfront_distribution')) {
      const behaviors = [...blocks(r.body, 'default_cache_behavior'), ...blocks(r.body, 'ordered_cache_behavior')];
      if (!behaviors.every((c) => ['redirect-to-https', 'https-only'].includes(c.viewer_protocol_policy))) {
        problems.push(`${at(config, r)}: every cache behavior needs viewer_protocol_policy redirect-to-https or https-only`);
      }
      const cert = first(r.body, 'viewer_certificate');
      if (!String(cert?.minimum_protocol_version ?? '').startsWith('TLSv1.2')) {
        problems.push(`${at(config, r)}: viewer_certificate needs minimum_protocol_version TLSv1.2_2021 or later`);
      }
    }
    // Buckets: their policy must come from a policy document that denies aws:SecureTransport = false.
    const tlsDocs = policyDocs(config)
      .filter((d) => blocks(d.body, 'statement').some((s) => s.effect === 'Deny' && blocks(s, 'condition').some((c) => c.variable === 'aws:SecureTransport' && list(c.values).map(String).includes('false'))))
      .map((d) => d.name);
    for (const bucket of resources(config, 'aws_s3_bucket')) {
      const policies = attachedTo(config, 'aws_s3_bucket_policy', bucket);
      if (!policies.some((p) => refs(p.body.policy, 'data.aws_iam_policy_document').some((n) => tlsDocs.includes(n)))) {
        problems.push(`${at(config, bucket)}: needs a bucket policy denying requests without TLS (aws:SecureTransport = false)`);
      }
    }
  }
  return problems;
});

rule('no-public-buckets', 'no bucket can become public (public access blocks, owner-enforced objects, no public grants)', (tree) => {
  const problems = [];
  const blockFlags = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'];
  for (const config of each(tree)) {
    for (const bucket of resources(config, 'aws_s3_bucket')) {
      const pab = attachedTo(config, 'aws_s3_bucket_public_access_block', bucket);
      if (!pab.some((p) => blockFlags.every((f) => p.body[f] === true))) {
        problems.push(`${at(config, bucket)}: needs a public access block with all four settings true`);
      }
      const owner = attachedTo(config, 'aws_s3_bucket_ownership_controls', bucket);
      if (!owner.some((o) => blocks(o.body, 'rule').some((x) => x.object_ownership === 'BucketOwnerEnforced'))) {
        problems.push(`${at(config, bucket)}: needs ownership controls BucketOwnerEnforced (no ACLs)`);
      }
      if (bucket.body.acl !== undefined) problems.push(`${at(config, bucket)}: must not set an ACL`);
    }
    for (const r of resources(config, 'aws_s3_account_public_access_block')) {
      if (!blockFlags.every((f) => r.body[f] === true)) problems.push(`${at(config, r)}: all four settings must be true`);
    }
    for (const r of resources(config, 'aws_s3_bucket_acl')) problems.push(`${at(config, r)}: bucket ACLs are not used (ownership is enforced)`);
    for (const r of resources(config, 'aws_s3_bucket_website_configuration')) problems.push(`${at(config, r)}: website hosting makes content public; serve through CloudFront with OAC`);
    // A grant to everyone is only acceptable when a condition narrows it (e.g. aws:PrincipalOrgID).
    for (const d of policyDocs(config)) {
      for (const s of blocks(d.body, 'statement')) {
        const everyone = blocks(s, 'principals').some((p) => list(p.identifiers).includes('*'));
        if ((s.effect ?? 'Allow') === 'Allow' && everyone && blocks(s, 'condition').length === 0) {
          problems.push(`${at(config, d, 'data')}: statement ${s.sid ?? '(no sid)'} allows everyone without a condition`);
        }
      }
    }
    for (const r of resources(config, 'aws_cloudfront_distribution')) {
      for (const o of blocks(r.body, 'origin')) {
        if (String(o.domain_name).includes('bucket') && o.origin_access_control_id === undefined) {
          problems.push(`${at(config, r)}: S3 origin ${o.origin_id} needs origin_access_control_id`);
        }
      }
    }
  }
  return problems;
});

rule('bucket-hygiene', 'every bucket is versioned and has lifecycle rules', (tree) => {
  const problems = [];
  for (const config of each(tree)) {
    for (const bucket of resources(config, 'aws_s3_bucket')) {
      if (!attachedTo(config, 'aws_s3_bucket_versioning', bucket).some((v) => blocks(v.body, 'versioning_configuration').some((c) => c.status === 'Enabled'))) {
        problems.push(`${at(config, bucket)}: needs versioning Enabled`);
      }
      if (attachedTo(config, 'aws_s3_bucket_lifecycle_configuration', bucket).length === 0) {
        problems.push(`${at(config, bucket)}: needs a lifecycle configuration`);
      }
      if (bucket.body.force_destroy === true) problems.push(`${at(config, bucket)}: force_destroy would delete every object with the bucket`);
    }
  }
  return problems;
});

/** The `module "settings"` block of an environment root. */
export const settingsOf = (config) => config.modules.find((m) => m.name === 'settings')?.body;

rule('prod-resilience', 'prod is Multi-AZ across three zones with deletion protection, 35-day PITR and cross-region backups', (tree) => {
  const problems = [];
  const prod = tree.get('envs/prod');
  if (!prod) return ['envs/prod is missing'];
  const s = settingsOf(prod);
  if (!s) return ['envs/prod: module "settings" is missing'];
  const expect = (ok, what) => { if (!ok) problems.push(`envs/prod: module.settings: ${what}`); };
  expect(s.multi_az === true, 'multi_az must be true');
  expect(s.deletion_protection === true, 'deletion_protection must be true');
  expect(s.az_count === 3, 'az_count must be 3');
  expect(s.nat_gateway_per_az === true, 'nat_gateway_per_az must be true');
  expect(s.aurora?.serverless === false && s.aurora?.reader_count >= 2, 'aurora must be provisioned with at least two readers');
  expect(s.aurora?.backup_retention_days === 35, 'aurora.backup_retention_days must be 35');
  expect(s.redis?.num_cache_clusters >= 2, 'redis needs a replica (num_cache_clusters >= 2)');
  expect(s.backup?.cross_region_copy === true && s.backup?.retention_days >= 35, 'backups must be copied cross-region and kept 35 days');
  return problems;
});

rule('settings-reach-resources', "settings flow into the resources unchanged (no module overrides deletion protection, Multi-AZ, backups or decides by the environment's name)", (tree) => {
  const problems = [];
  // The platform passes each guard-railed setting straight through.
  const platform = tree.get('modules/platform');
  const wiring = {
    aurora: {
      deletion_protection: '${local.s.deletion_protection}', backup_retention_days: '${local.s.aurora.backup_retention_days}', reader_count: '${local.s.aurora.reader_count}',
      performance_insights_retention_days: '${local.s.aurora.performance_insights_retention_days}', enhanced_monitoring_interval: '${local.s.aurora.monitoring_interval_seconds}',
    },
    redis: { multi_az: '${local.s.multi_az}' },
    network: { nat_gateway_per_az: '${local.s.nat_gateway_per_az}', az_count: '${local.s.az_count}' },
    backup: { cross_region_copy: '${local.s.backup.cross_region_copy}', retention_days: '${local.s.backup.retention_days}', vault_lock: '${local.s.backup.vault_lock}' },
    observability: { canary_places_orders: '${local.s.canary.place_order}' },
  };
  if (!platform) problems.push('modules/platform is missing');
  for (const [name, args] of Object.entries(platform ? wiring : {})) {
    const m = platform.modules.find((x) => x.name === name);
    for (const [arg, expected] of Object.entries(args)) {
      if (m?.body[arg] !== expected) problems.push(`modules/platform: module.${name}.${arg} must be ${expected}, found ${text(m?.body[arg])}`);
    }
  }
  // What differs between environments is a setting: below modules/settings nothing compares the environment's name.
  for (const config of each(tree, ['module'])) {
    if (config.dir === 'modules/settings') continue;
    for (const [file, source] of Object.entries(config.files)) {
      source.split('\n').forEach((line, i) => {
        const code = line.replace(/(^|\s)(#|\/\/).*$/, ''); // a comment, not a "#" inside a string
        const env = '"(dev|staging|prod)"';
        const compares = new RegExp(`environment\\s*[!=]=|[!=]=\\s*[\\w.]*environment\\b|[!=]=\\s*${env}|${env}\\s*[!=]=|contains\\([^)]*${env}`);
        if (compares.test(code)) {
          problems.push(`${config.dir}/${file}:${i + 1}: decides by the environment's name; make it a setting (modules/settings) instead`);
        }
      });
    }
  }
  // Environment roots hand the validated settings over whole.
  for (const config of each(tree, ['env'])) {
    const p = config.modules.find((m) => m.name === 'platform')?.body;
    if (p?.settings !== '${module.settings.settings}') problems.push(`${config.dir}: module.platform.settings must be module.settings.settings`);
  }
  // Inside the modules a resource takes the variable or a safe literal, never an unsafe literal.
  for (const config of each(tree, ['module', 'root'])) {
    for (const r of config.resources) {
      const b = r.body;
      const safe = (attr, good) => b[attr] === undefined || b[attr] === good || isVarRef(b[attr]);
      if (['aws_rds_cluster', 'aws_db_instance'].includes(r.type)) {
        if (!safe('deletion_protection', true) || b.deletion_protection === undefined) problems.push(`${at(config, r)}: deletion_protection must be true or come from a variable`);
        if (b.skip_final_snapshot === true) problems.push(`${at(config, r)}: skip_final_snapshot must not be true`);
      }
      if (r.type === 'aws_elasticache_replication_group') {
        for (const attr of ['multi_az_enabled', 'automatic_failover_enabled']) {
          if (!safe(attr, true) || b[attr] === undefined) problems.push(`${at(config, r)}: ${attr} must be true or come from a variable`);
        }
      }
    }
  }
  return problems;
});

// One way to make a key: modules/kms (rotation, a key policy naming its services, an alias), so no module writes
// a key policy of its own or leaves the default one.
rule('kms-keys-from-module', 'customer-managed KMS keys are made by modules/kms only', (tree) => {
  const problems = [];
  for (const config of each(tree)) {
    if (config.dir === 'modules/kms') continue;
    for (const r of resources(config, 'aws_kms_key')) problems.push(`${at(config, r)}: create keys with module "../kms" (modules/kms), not aws_kms_key`);
  }
  return problems;
});

rule('flow-logs', 'every VPC sends all flow logs to a KMS-encrypted log group', (tree) => {
  const problems = [];
  for (const config of each(tree)) {
    const encryptedGroups = resources(config, 'aws_cloudwatch_log_group').filter((g) => g.body.kms_key_id !== undefined).map((g) => g.name);
    for (const vpc of resources(config, 'aws_vpc')) {
      const logs = resources(config, 'aws_flow_log').filter((f) => refs(f.body.vpc_id, 'aws_vpc').includes(vpc.name));
      const good = logs.some((f) => f.body.traffic_type === 'ALL' && refs(f.body.log_destination, 'aws_cloudwatch_log_group').some((n) => encryptedGroups.includes(n)));
      if (!good) problems.push(`${at(config, vpc)}: needs an aws_flow_log (traffic_type ALL) to a KMS-encrypted log group`);
    }
  }
  return problems;
});

rule('backups', 'databases, caches and the backup plan keep recovery points', (tree) => {
  const problems = [];
  for (const config of each(tree)) {
    for (const r of resources(config, 'aws_rds_cluster')) {
      const days = r.body.backup_retention_period;
      if (!(isVarRef(days) || (typeof days === 'number' && days >= 7))) problems.push(`${at(config, r)}: backup_retention_period must be >= 7 or a variable`);
    }
    for (const r of resources(config, 'aws_elasticache_replication_group')) {
      const limit = r.body.snapshot_retention_limit;
      const numbers = isExpr(limit) ? [...String(limit).matchAll(/\b\d+\b/g)].map((m) => Number(m[0])) : [limit];
      if (limit === undefined || numbers.some((n) => !(n > 0))) problems.push(`${at(config, r)}: snapshot_retention_limit must be above 0`);
    }
    for (const r of resources(config, 'aws_backup_plan')) {
      for (const x of blocks(r.body, 'rule')) {
        if (!blocks(x, 'lifecycle').some((l) => l.delete_after !== undefined)) problems.push(`${at(config, r)}: rule ${x.rule_name} needs lifecycle delete_after`);
      }
      for (const x of blocks(r.body, 'rule')) {
        if (blocks(x, 'copy_action').length === 0) problems.push(`${at(config, r)}: rule ${x.rule_name} needs a copy_action to the DR region`);
      }
    }
  }
  const platform = tree.get('modules/platform');
  const backup = platform?.modules.find((m) => m.name === 'backup');
  if (!backup || !text(backup.body.resource_arns).includes('module.aurora.cluster_arn')) {
    problems.push('modules/platform: module.backup.resource_arns must include module.aurora.cluster_arn');
  }
  for (const config of each(tree, ['env'])) {
    const s = settingsOf(config);
    if (!(s?.backup?.retention_days >= 7)) problems.push(`${config.dir}: module.settings.backup.retention_days must be >= 7`);
  }
  return problems;
});

rule('required-tags', 'every root tags every resource with the cost tags through the provider default_tags', (tree) => {
  const problems = [];
  for (const config of each(tree, ['env', 'root'])) {
    const aws = config.providers.filter((p) => p.name === 'aws');
    if (aws.length === 0) problems.push(`${config.dir}: has no aws provider block`);
    for (const p of aws) {
      const label = `${config.dir}/${p.file}: provider aws${p.body.alias ? ` (${p.body.alias})` : ''}`;
      const tags = resolve(config, first(p.body, 'default_tags')?.tags);
      if (!tags || typeof tags !== 'object') {
        problems.push(`${label}: needs default_tags with the cost tags`);
        continue;
      }
      const missing = REQUIRED_TAGS.filter((t) => typeof tags[t] !== 'string' || tags[t].trim() === '');
      if (missing.length) problems.push(`${label}: default_tags lacks ${missing.join(', ')}`);
      if (config.kind === 'env' && tags.Environment !== config.dir.split('/')[1]) problems.push(`${label}: Environment tag must be ${config.dir.split('/')[1]}`);
    }
    if (config.kind === 'env' && settingsOf(config)?.tags !== '${local.tags}') problems.push(`${config.dir}: module.settings.tags must be local.tags (the tags it validates)`);
  }
  // Modules take tags from the provider; a module overriding a cost tag with its own value would skew reports.
  for (const config of each(tree, ['module'])) {
    for (const r of config.resources) {
      const own = r.body.tags && typeof r.body.tags === 'object' ? Object.keys(r.body.tags) : [];
      const clash = own.filter((k) => REQUIRED_TAGS.includes(k));
      if (clash.length) problems.push(`${at(config, r)}: must not override cost tag(s) ${clash.join(', ')}`);
    }
  }
  return problems;
});

const DATA_ACTION = /^(s3:(Get|Put|Delete|List|Restore)|secretsmanager:(GetSecretValue|PutSecretValue|UpdateSecret|DeleteSecret)|kms:(Decrypt|Encrypt|GenerateDataKey|ReEncrypt)|rds-db:connect|rds-data:|dynamodb:|ssm:GetParameter|backup:(Delete|Start|Put))/i;
const POLICY_DOCUMENT_JSON = /^\$\{data\.aws_iam_policy_document\.[\w-]+(\[[^\]]+\])?\.json\}$/;
const BROAD_MANAGED_POLICY = /(AdministratorAccess|PowerUserAccess|FullAccess|SecretsManagerReadWrite|IAMFullAccess)$/;

rule('iam-least-privilege', 'IAM grants name their actions and, for data, their resources (no wildcards)', (tree) => {
  const problems = [];
  for (const config of each(tree)) {
    for (const d of policyDocs(config)) {
      for (const s of blocks(d.body, 'statement')) {
        if ((s.effect ?? 'Allow') !== 'Allow') continue; // a wildcard in a Deny only widens the guard rail
        const label = `${at(config, d, 'data')} statement ${s.sid ?? '(no sid)'}`;
        const actions = list(s.actions);
        if (s.not_actions !== undefined) problems.push(`${label}: Allow with not_actions grants everything else`);
        const wild = actions.filter((a) => a === '*' || /^[\w-]+:\*$/.test(a));
        if (wild.length) problems.push(`${label}: wildcard action(s) ${wild.join(', ')}`);
        const identityPolicy = blocks(s, 'principals').length === 0;
        const onEverything = list(s.resources).includes('*');
        const dataActions = actions.filter((a) => DATA_ACTION.test(a));
        if (identityPolicy && onEverything && dataActions.length) {
          problems.push(`${label}: data action(s) ${dataActions.join(', ')} on resources "*"; name the bucket, secret or key`);
        }
      }
    }
    for (const r of config.resources.filter((x) => ['aws_iam_role_policy', 'aws_iam_policy', 'aws_iam_user_policy', 'aws_iam_group_policy'].includes(x.type))) {
      // policy = each.value only over a literal map (or a local holding one) whose every value is a document.
      const perKey = /^\$\{each\.value\}$/.test(String(r.body.policy)) ? resolve(config, r.body.for_each) : undefined;
      const documents = perKey && typeof perKey === 'object' && !Array.isArray(perKey) ? Object.entries(perKey) : [['', r.body.policy]];
      for (const [key, policy] of documents) {
        if (!POLICY_DOCUMENT_JSON.test(String(policy))) {
          problems.push(`${at(config, r)}${key ? ` (for_each ${key})` : ''}: policy must come from a data.aws_iam_policy_document, so these tests can read it, found ${text(policy)}`);
        }
      }
    }
    for (const r of resources(config, 'aws_iam_role_policy_attachment')) {
      if (BROAD_MANAGED_POLICY.test(String(r.body.policy_arn))) problems.push(`${at(config, r)}: ${r.body.policy_arn} is too broad for a workload role`);
    }
    for (const r of resources(config, 'aws_iam_user')) problems.push(`${at(config, r)}: no IAM users; people use SSO, machines use roles`);
  }
  return problems;
});

rule('module-sources', 'module sources resolve: local paths exist, registry modules are pinned to a major version', (tree) => {
  const problems = [];
  for (const config of each(tree)) {
    for (const m of config.modules) {
      const source = String(m.body.source);
      if (source.startsWith('./') || source.startsWith('../')) {
        const target = [...config.dir.split('/'), ...source.split('/')].reduce((acc, part) => {
          if (part === '..') acc.pop();
          else if (part !== '.' && part !== '') acc.push(part);
          return acc;
        }, []).join('/');
        if (!tree.has(target)) problems.push(`${at(config, m, 'module')}: source ${source} is not a module in infra/`);
        if (m.body.version !== undefined) problems.push(`${at(config, m, 'module')}: local modules take no version`);
      } else if (!/^(~>\s*)?\d+\.\d+(\.\d+)?$/.test(String(m.body.version ?? ''))) {
        problems.push(`${at(config, m, 'module')}: registry module ${source} needs a pinned version ("~> X.Y" or exact)`);
      }
    }
  }
  return problems;
});

rule('eks-hardening', 'EKS has a private endpoint only, all control plane logs, access entries, and IMDSv2 nodes', (tree) => {
  const problems = [];
  for (const config of each(tree)) {
    for (const r of resources(config, 'aws_eks_cluster')) {
      const vpc = first(r.body, 'vpc_config') ?? {};
      if (vpc.endpoint_public_access !== false || vpc.endpoint_private_access !== true) problems.push(`${at(config, r)}: API endpoint must be private only`);
      const logs = list(resolve(config, r.body.enabled_cluster_log_types));
      const missing = CONTROL_PLANE_LOGS.filter((l) => !logs.includes(l));
      if (missing.length) problems.push(`${at(config, r)}: control plane logs missing: ${missing.join(', ')}`);
      if (first(r.body, 'access_config')?.authentication_mode !== 'API') problems.push(`${at(config, r)}: authentication_mode must be API (access entries, no aws-auth ConfigMap)`);
    }
    for (const r of resources(config, 'aws_launch_template')) {
      if (first(r.body, 'metadata_options')?.http_tokens !== 'required') problems.push(`${at(config, r)}: needs metadata_options http_tokens = "required" (IMDSv2)`);
    }
  }
  return problems;
});

rule('database-operations', 'Aurora is private, has Performance Insights and enhanced monitoring, and RDS manages its password', (tree) => {
  const problems = [];
  for (const config of each(tree)) {
    for (const r of resources(config, 'aws_rds_cluster_instance')) {
      if (r.body.publicly_accessible !== false) problems.push(`${at(config, r)}: publicly_accessible must be false`);
      if (r.body.performance_insights_enabled !== true) problems.push(`${at(config, r)}: performance_insights_enabled must be true`);
      const interval = r.body.monitoring_interval;
      if (!(isVarRef(interval) || interval > 0) || r.body.monitoring_role_arn === undefined) problems.push(`${at(config, r)}: needs enhanced monitoring (monitoring_interval and monitoring_role_arn)`);
    }
    for (const r of resources(config, 'aws_rds_cluster')) {
      if (r.body.manage_master_user_password !== true || r.body.master_password !== undefined) problems.push(`${at(config, r)}: master password must be managed by RDS in Secrets Manager (manage_master_user_password = true)`);
    }
  }
  return problems;
});

rule('edge-protection', 'the storefront web ACL has the managed rule groups, a rate limit and a geo rule; logs keep retention', (tree) => {
  const problems = [];
  for (const config of each(tree)) {
    for (const r of resources(config, 'aws_wafv2_web_acl')) {
      const visible = text(r.body) + text(config.locals);
      const missing = WAF_MANAGED_GROUPS.filter((g) => !visible.includes(g));
      if (missing.length) problems.push(`${at(config, r)}: missing managed rule group(s) ${missing.join(', ')}`);
      if (!visible.includes('rate_based_statement')) problems.push(`${at(config, r)}: needs a rate-based rule`);
      if (!visible.includes('geo_match_statement')) problems.push(`${at(config, r)}: needs a geo match rule`);
    }
    for (const r of resources(config, 'aws_cloudwatch_log_group')) {
      if (r.body.retention_in_days === undefined || r.body.retention_in_days === 0) problems.push(`${at(config, r)}: needs retention_in_days`);
    }
  }
  return problems;
});

rule('state-and-environments', 'roots keep state in S3 with KMS and native locking; the environments have the same shape', (tree) => {
  const problems = [];
  const shapes = new Map();
  for (const config of each(tree, ['env', 'root'])) {
    const backend = config.terraform.map((t) => t.backend?.s3?.[0]).find(Boolean);
    if (!backend) {
      problems.push(`${config.dir}: needs an s3 backend`);
      continue;
    }
    if (backend.encrypt !== true || !backend.kms_key_id || backend.use_lockfile !== true) problems.push(`${config.dir}: backend needs encrypt = true, kms_key_id and use_lockfile = true`);
    if (backend.dynamodb_table !== undefined) problems.push(`${config.dir}: use use_lockfile, not a DynamoDB lock table`);
    if (config.kind === 'env') {
      const env = config.dir.split('/')[1];
      if (backend.key !== `envs/${env}/terraform.tfstate`) problems.push(`${config.dir}: backend key must be envs/${env}/terraform.tfstate`);
      if (settingsOf(config)?.environment !== env) problems.push(`${config.dir}: module.settings.environment must be "${env}"`);
      shapes.set(config.dir, text({
        modules: config.modules.map((m) => `${m.name}=${m.body.source}`).sort(),
        providers: config.providers.map((p) => `${p.name}.${p.body.alias ?? ''}@${p.body.region}`).sort(),
        settings: Object.keys(settingsOf(config) ?? {}).sort(),
      }));
    }
  }
  const distinct = new Set(shapes.values());
  if (distinct.size > 1) problems.push(`environment roots differ in shape: ${[...shapes.keys()].join(', ')} must declare the same modules, providers and settings`);
  return problems;
});

const SHARED_ENV_FILES = { 'shared-providers.tf': 'providers.tf', 'outputs.tf': 'outputs.tf' };

// An environment's region is written once (local.region and local.dr_region of its providers.tf): the providers
// and module.settings, which validates it, read the same locals. The provider blocks and the outputs are one copy
// in envs/_shared, linked into every root, so they cannot drift apart.
rule('env-regions-and-shared-files', "each environment's providers and settings use the same region locals, approved by the organization; providers and outputs are envs/_shared's", (tree) => {
  const problems = [];
  const approved = list(tree.get('organization')?.locals.approved_regions);
  for (const config of each(tree, ['env'])) {
    const { region, dr_region: dr } = config.locals;
    if (typeof region !== 'string' || typeof dr !== 'string' || region === dr) problems.push(`${config.dir}: needs literal locals region and dr_region, two different regions`);
    for (const r of [region, dr]) if (typeof r === 'string' && !approved.includes(r)) problems.push(`${config.dir}: region ${r} is not an approved region of the organization SCP (${approved.join(', ')})`);
    const s = settingsOf(config) ?? {};
    if (s.region !== '${local.region}' || s.dr_region !== '${local.dr_region}') problems.push(`${config.dir}: module.settings region and dr_region must be local.region and local.dr_region, found ${text(s.region)}, ${text(s.dr_region)}`);
    const want = { '': '${local.region}', dr: '${local.dr_region}', us_east_1: 'us-east-1' };
    const aws = config.providers.filter((p) => p.name === 'aws');
    for (const p of aws) {
      const alias = p.body.alias ?? '';
      if (!(alias in want)) problems.push(`${config.dir}/${p.file}: unexpected provider aws (${alias})`);
      else if (p.body.region !== want[alias]) problems.push(`${config.dir}/${p.file}: provider aws${alias ? ` (${alias})` : ''} region must be ${want[alias]}, found ${text(p.body.region)}`);
    }
    for (const alias of Object.keys(want)) if (!aws.some((p) => (p.body.alias ?? '') === alias)) problems.push(`${config.dir}: needs provider aws${alias ? ` (${alias})` : ''}`);
    const helm = config.providers.find((p) => p.name === 'helm');
    const args = list(helm?.body.kubernetes?.exec?.args);
    if (helm && args[args.indexOf('--region') + 1] !== '${local.region}') problems.push(`${config.dir}: provider helm must get its token for --region local.region`);
    // The shared files: relative symlinks into envs/_shared.
    for (const [name, target] of Object.entries(SHARED_ENV_FILES)) {
      const file = path.join(infraRoot, config.dir, name);
      let link = null;
      try { link = fs.lstatSync(file).isSymbolicLink() ? fs.readlinkSync(file) : null; } catch { /* missing */ }
      if (link !== `../_shared/${target}`) problems.push(`${config.dir}/${name}: must be a relative symlink to ../_shared/${target}, found ${link ?? 'no symlink'}`);
    }
  }
  return problems;
});

rule('terraform-version', 'every root and module pins the same Terraform version (required_version "~> X.Y.Z")', (tree) => {
  const problems = [];
  const seen = new Map();
  for (const config of each(tree)) {
    const versions = config.terraform.map((t) => t.required_version).filter((v) => v !== undefined);
    if (versions.length === 0) {
      if (config.kind !== 'module' || config.terraform.length > 0) problems.push(`${config.dir}: needs required_version in its terraform block`);
      continue;
    }
    for (const v of versions) {
      if (!/^~> \d+\.\d+\.\d+$/.test(v)) problems.push(`${config.dir}: required_version "${v}" must pin a minor release ("~> X.Y.Z")`);
      seen.set(v, [...(seen.get(v) ?? []), config.dir]);
    }
  }
  if (seen.size > 1) problems.push(`required_version differs: ${[...seen].map(([v, dirs]) => `"${v}" in ${dirs.join(', ')}`).join('; ')}`);
  return problems;
});

rule('ci-role-chain', 'plans run as the read-only role and applies as the admin role: env providers assume var.terraform_role', (tree) => {
  const problems = [];
  for (const config of each(tree, ['env'])) {
    const v = config.variables.terraform_role;
    if (!v) problems.push(`${config.dir}: needs variable "terraform_role" (bazaar-terraform-readonly to plan, bazaar-terraform to apply)`);
    else {
      if (v.ephemeral !== true) problems.push(`${config.dir}: variable terraform_role must be ephemeral, so the saved plan does not fix the apply's role`);
      if (v.default !== undefined) problems.push(`${config.dir}: variable terraform_role must have no default (CI sets it per job)`);
      const validation = text(blocks(v, 'validation'));
      for (const role of ['bazaar-terraform-readonly', 'bazaar-terraform']) {
        if (!validation.includes(`\\"${role}\\"`)) problems.push(`${config.dir}: variable terraform_role validation must allow "${role}"`);
      }
    }
    for (const p of config.providers.filter((x) => x.name === 'aws')) {
      const arn = first(p.body, 'assume_role')?.role_arn;
      if (!String(arn).endsWith(':role/${var.terraform_role}')) {
        problems.push(`${config.dir}/${p.file}: provider aws${p.body.alias ? ` (${p.body.alias})` : ''} must assume role/\${var.terraform_role}, found ${text(arn)}`);
      }
    }
  }
  const bootstrap = tree.get('bootstrap');
  const doc = (name) => bootstrap?.data.find((d) => d.type === 'aws_iam_policy_document' && d.name === name);
  const assumed = (name) => blocks(doc(name)?.body, 'statement').filter((st) => list(st.actions).includes('sts:AssumeRole')).map((st) => text(st.resources)).join(' ');
  if (!/role\/bazaar-terraform-readonly\b/.test(assumed('terraform_plan')) || /role\/bazaar-terraform(?!-readonly)\b/.test(assumed('terraform_plan'))) {
    problems.push('bootstrap: the terraform-plan CI role must assume bazaar-terraform-readonly only');
  }
  if (!/role\/bazaar-terraform\\?"/.test(assumed('terraform_apply'))) problems.push('bootstrap: the terraform-apply CI role must assume bazaar-terraform');
  return problems;
});

rule('storefront-health-check', 'the storefront health check calls a host the Ingress routes, and finds the ALB by the controller tags', (tree) => {
  const problems = [];
  const edge = tree.get('modules/edge');
  if (!edge) return ['modules/edge is missing'];
  const checks = resources(edge, 'aws_route53_health_check');
  if (checks.length === 0) problems.push('modules/edge: needs an aws_route53_health_check for the storefront');
  for (const c of checks) {
    // Route 53 sends the fqdn as Host and SNI: the ALB's own DNS name matches no Ingress host rule (default 404).
    if (text(c.body.fqdn).includes('aws_lb.') || c.body.ip_address !== undefined) problems.push(`${at(edge, c)}: fqdn must be a name the Ingress routes (health.<domain>), not the ALB's own DNS name`);
    if (c.body.type !== 'HTTPS') problems.push(`${at(edge, c)}: type must be HTTPS`);
    if (c.body.resource_path === undefined) problems.push(`${at(edge, c)}: needs resource_path`);
  }
  for (const d of edge.data.filter((x) => x.type === 'aws_lb')) {
    const tags = d.body.tags ?? {};
    for (const key of ['elbv2.k8s.aws/cluster', 'ingress.k8s.aws/stack', 'ingress.k8s.aws/resource']) {
      if (tags[key] === undefined) problems.push(`${at(edge, d, 'data')}: must look the ALB up by the controller's tag ${key}`);
    }
    if (tags['ingress.k8s.aws/resource'] !== undefined && tags['ingress.k8s.aws/resource'] !== 'LoadBalancer') problems.push(`${at(edge, d, 'data')}: ingress.k8s.aws/resource must be LoadBalancer`);
  }
  if (edge.variables.ingress_group?.default !== 'bazaar') problems.push('modules/edge: variable ingress_group must default to "bazaar" (the chart\'s alb.ingress.kubernetes.io/group.name)');
  return problems;
});

rule('alb-alarms', "what the ingress ALB answers itself (5xx the edge never sees) raises an alarm once the ALB exists", (tree) => {
  const problems = [];
  const edge = tree.get('modules/edge');
  const observability = tree.get('modules/observability');
  const platform = tree.get('modules/platform');
  if (!edge || !observability || !platform) return ['modules/edge, modules/observability and modules/platform are needed'];
  if (!text(edge.outputs?.alb_arn_suffix).includes('data.aws_lb.ingress')) problems.push('modules/edge: needs output alb_arn_suffix from data.aws_lb.ingress');
  const call = platform.modules.find((m) => m.name === 'observability');
  if (!text(call?.body.alb_arn_suffix).includes('module.edge.alb_arn_suffix')) problems.push('modules/platform: module.observability must get alb_arn_suffix = module.edge.alb_arn_suffix');
  if (!text(observability.locals.alarms).includes('HTTPCode_ELB_5XX_Count') || !text(observability.locals.alarms).includes('var.alb_arn_suffix')) {
    problems.push('modules/observability: local.alarms needs an HTTPCode_ELB_5XX_Count alarm on LoadBalancer = var.alb_arn_suffix');
  }
  return problems;
});

// ADR 0015: carts and risk's velocity counters exist only in Redis, so they live in a replication group that refuses
// writes when full instead of evicting; caches live in another that evicts. ElastiCache's default.redis7 says
// volatile-lru, which would evict carts (they carry a TTL), so the policy is set in a parameter group of our own.
rule('redis-eviction', 'what exists only in Redis lives in a replication group that never evicts (a state and a cache group; cart and risk use the state one)', (tree) => {
  const problems = [];
  const redis = tree.get('modules/redis');
  const platform = tree.get('modules/platform');
  const settings = tree.get('modules/settings');
  if (!redis || !platform || !settings) return ['modules/redis, modules/platform and modules/settings are needed'];
  const policies = Object.fromEntries([...text(redis.locals.maxmemory_policy).matchAll(/(\w+) = \\"([\w-]+)\\"/g)].map((m) => [m[1], m[2]]));
  if (!/\}\[var\.role\]\}$/.test(String(redis.locals.maxmemory_policy))) problems.push(`modules/redis: local.maxmemory_policy must pick by [var.role], not ${text(redis.locals.maxmemory_policy)}`);
  if (policies.state !== 'noeviction') problems.push(`modules/redis: local.maxmemory_policy must map state to noeviction (has ${text(policies.state)})`);
  if (policies.cache !== 'allkeys-lru') problems.push(`modules/redis: local.maxmemory_policy must map cache to allkeys-lru (has ${text(policies.cache)})`);
  const groups = resources(redis, 'aws_elasticache_parameter_group');
  const sets = groups.filter((g) => list(g.body.parameter).some((p) => p.name === 'maxmemory-policy' && p.value === '${local.maxmemory_policy}'));
  if (sets.length !== 1 || sets[0].body.family !== 'redis7') problems.push('modules/redis: one aws_elasticache_parameter_group (family redis7) must set maxmemory-policy = local.maxmemory_policy');
  for (const r of resources(redis, 'aws_elasticache_replication_group')) {
    if (!sets.some((g) => refs(r.body.parameter_group_name, 'aws_elasticache_parameter_group').includes(g.name))) problems.push(`${at(redis, r)}: parameter_group_name must be that parameter group, not ${text(r.body.parameter_group_name)}`);
  }
  for (const r of resources(redis, 'aws_secretsmanager_secret')) {
    if (!String(r.body.name).includes('/redis-${var.role}')) problems.push(`${at(redis, r)}: the secret is named .../redis-<role> (the chart reads bazaar/<env>/redis-<cache|state>), not ${text(r.body.name)}`);
  }
  const call = platform.modules.find((m) => m.name === 'redis');
  if (!call || text(quoted(call.body.for_each).filter((q) => q !== '')) !== text(['cache', 'state']) || call.body.role !== '${each.key}') problems.push('modules/platform: module.redis must make both roles (for_each over "cache" and "state", role = each.key)');
  const clients = settings.locals.redis_clients ?? {};
  for (const svc of ['cart', 'risk']) if (clients[svc] !== 'state') problems.push(`modules/settings: redis_clients.${svc} must be "state" (has ${text(clients[svc])})`);
  return problems;
});

const REQUIRED_ADDONS = ['aws-load-balancer-controller', 'external-secrets', 'external-dns', 'karpenter', 'opentelemetry-collector', 'velero', 'kube-prometheus-stack'];

rule('helm-charts-pinned', 'the cluster add-ons are installed, each Helm chart from a named repository at an exact version', (tree) => {
  const problems = [];
  const charts = [];
  for (const config of each(tree)) {
    for (const r of resources(config, 'helm_release')) {
      charts.push(r.body.chart);
      if (typeof r.body.version !== 'string' || !/^\d+\.\d+\.\d+$/.test(r.body.version)) problems.push(`${at(config, r)}: version must be an exact chart version (X.Y.Z), found ${text(r.body.version)}`);
      const local = String(r.body.chart).match(/^\$\{path\.module\}\/(charts\/[\w-]+)$/);
      if (local) {
        // A chart kept in the module: no repository, and the release names the version its Chart.yaml declares.
        const chartFile = path.join(infraRoot, config.dir, local[1], 'Chart.yaml');
        const declared = fs.existsSync(chartFile) ? YAML.parse(fs.readFileSync(chartFile, 'utf8'))?.version : undefined;
        if (r.body.repository !== undefined) problems.push(`${at(config, r)}: a local chart (${local[1]}) takes no repository`);
        if (declared === undefined) problems.push(`${at(config, r)}: ${config.dir}/${local[1]}/Chart.yaml is missing`);
        else if (String(declared) !== r.body.version) problems.push(`${at(config, r)}: version ${r.body.version} is not the version of ${config.dir}/${local[1]}/Chart.yaml (${declared})`);
      } else if (typeof r.body.repository !== 'string' || !/^(https|oci):\/\//.test(r.body.repository)) {
        problems.push(`${at(config, r)}: needs a repository (https:// or oci://), or a chart under \${path.module}/charts`);
      }
    }
  }
  const missing = REQUIRED_ADDONS.filter((c) => !charts.includes(c));
  if (missing.length) problems.push(`cluster add-ons not installed: ${missing.join(', ')}`);
  const platform = tree.get('modules/platform');
  if (!platform?.modules.some((m) => m.name === 'cluster_addons' && m.body.source === '../cluster-addons')) problems.push('modules/platform: must call module "cluster_addons" (../cluster-addons)');
  return problems;
});

const CAPACITY_CHART = 'charts/karpenter-capacity';
const CHART_HELPERS = path.join(infraRoot, '..', 'deploy', 'helm', 'bazaar', 'templates', '_helpers.tpl');

/** The spot toleration of the Bazaar chart (bazaar.spotScheduling): { key, value, effect }. */
function chartSpotToleration() {
  const helpers = fs.existsSync(CHART_HELPERS) ? fs.readFileSync(CHART_HELPERS, 'utf8') : '';
  const m = helpers.match(/define "bazaar\.spotScheduling"[\s\S]*?tolerations:\s*\n\s*- key: (\S+)\s*\n\s*operator: Equal\s*\n\s*value: "?([^"\n]+)"?\s*\n\s*effect: (\w+)/);
  return m ? { key: m[1], value: m[2], effect: m[3] } : null;
}

// Karpenter's capacity (modules/cluster-addons): an EC2NodeClass and a NodePool per capacity type, written out as
// locals the chart charts/karpenter-capacity renders after the Karpenter release. `tree.spotTolerationOverride`
// lets the violation tests change the chart's toleration.
rule('karpenter-capacity', 'Karpenter has an on-demand and a spot NodePool (spot tainted as the chart tolerates), an IMDSv2, encrypted EC2NodeClass, and SCP-approved instance families', (tree) => {
  const problems = [];
  const addons = tree.get('modules/cluster-addons');
  if (!addons) return ['modules/cluster-addons is missing'];
  const where = 'modules/cluster-addons';
  const nodeClass = addons.locals.karpenter_node_class;
  const pools = addons.locals.karpenter_node_pools;
  if (!nodeClass || typeof nodeClass !== 'object') problems.push(`${where}: needs local karpenter_node_class (the EC2NodeClass spec)`);
  if (!pools || typeof pools !== 'object') return [...problems, `${where}: needs local karpenter_node_pools (the NodePool specs by name)`];

  // Installed by a local chart, after the Karpenter release, with exactly these objects.
  const release = resources(addons, 'helm_release').find((r) => r.body.chart === `\${path.module}/${CAPACITY_CHART}`);
  if (!release) problems.push(`${where}: needs a helm_release of \${path.module}/${CAPACITY_CHART}`);
  else {
    if (!list(release.body.depends_on).includes('${helm_release.karpenter}')) problems.push(`${at(addons, release)}: must have depends_on = [helm_release.karpenter] (the CRDs come with it)`);
    const values = text(release.body.values);
    if (!values.includes('local.karpenter_node_class') || !values.includes('nodePools   = local.karpenter_node_pools')) problems.push(`${at(addons, release)}: values must pass nodeClasses from local.karpenter_node_class and nodePools = local.karpenter_node_pools`);
  }
  const templates = path.join(infraRoot, addons.dir, CAPACITY_CHART, 'templates');
  const rendered = fs.existsSync(templates) ? fs.readdirSync(templates).map((f) => fs.readFileSync(path.join(templates, f), 'utf8')).join('\n') : '';
  if (!/apiVersion: karpenter\.k8s\.aws\/v1\s*\nkind: EC2NodeClass/.test(rendered) || !rendered.includes('.Values.nodeClasses')) problems.push(`${where}/${CAPACITY_CHART}: a template must render every .Values.nodeClasses entry as karpenter.k8s.aws/v1 EC2NodeClass`);
  if (!/apiVersion: karpenter\.sh\/v1\s*\nkind: NodePool/.test(rendered) || !rendered.includes('.Values.nodePools')) problems.push(`${where}/${CAPACITY_CHART}: a template must render every .Values.nodePools entry as karpenter.sh/v1 NodePool`);

  // The EC2NodeClass: IMDSv2 only, encrypted root volumes with a customer key, the cost tags the SCP requires.
  if (nodeClass && typeof nodeClass === 'object') {
    const md = nodeClass.metadataOptions ?? {};
    if (md.httpTokens !== 'required') problems.push(`${where}: karpenter_node_class.metadataOptions.httpTokens must be "required" (IMDSv2), found ${text(md.httpTokens)}`);
    if (md.httpPutResponseHopLimit !== 1) problems.push(`${where}: karpenter_node_class.metadataOptions.httpPutResponseHopLimit must be 1 (pods cannot reach node credentials)`);
    const devices = list(nodeClass.blockDeviceMappings);
    if (devices.length === 0 || !devices.every((d) => d.ebs?.encrypted === true && d.ebs?.kmsKeyID !== undefined)) problems.push(`${where}: every karpenter_node_class.blockDeviceMappings ebs needs encrypted = true and a kmsKeyID`);
    if (nodeClass.tags !== '${var.tags}') problems.push(`${where}: karpenter_node_class.tags must be var.tags (the SCP denies RunInstances without the cost tags)`);
    if (!list(nodeClass.subnetSelectorTerms).some((t) => t.tags?.['karpenter.sh/discovery'] === '${var.name}')) problems.push(`${where}: karpenter_node_class.subnetSelectorTerms must select the karpenter.sh/discovery = <cluster> subnets (modules/network)`);
  }

  // One NodePool per capacity type; the spot ones carry the chart's taint.
  const toleration = tree.spotTolerationOverride ?? chartSpotToleration();
  if (!toleration) problems.push('deploy/helm/bazaar/templates/_helpers.tpl: no spot toleration found in bazaar.spotScheduling');
  const reqs = (pool) => list(pool?.template?.spec?.requirements);
  const capacityOf = (pool) => reqs(pool).find((r) => r.key === 'karpenter.sh/capacity-type' && r.operator === 'In')?.values;
  for (const type of ['on-demand', 'spot']) {
    const matching = Object.entries(pools).filter(([, p]) => Array.isArray(capacityOf(p)) && capacityOf(p).length === 1 && capacityOf(p)[0] === type);
    if (matching.length === 0) problems.push(`${where}: no NodePool for capacity type ${type} (a requirement karpenter.sh/capacity-type In ["${type}"])`);
  }
  const scpFamilies = list(tree.get('organization')?.locals.instance_families).map((f) => String(f).replace(/\.\*$/, ''));
  for (const [name, pool] of Object.entries(pools)) {
    const label = `${where}: NodePool ${name}`;
    const capacity = capacityOf(pool);
    if (!Array.isArray(capacity)) problems.push(`${label}: needs a literal karpenter.sh/capacity-type In requirement`);
    const taints = list(pool?.template?.spec?.taints);
    if (list(capacity).includes('spot') && toleration && !taints.some((t) => t.key === toleration.key && String(t.value) === toleration.value && t.effect === toleration.effect)) {
      problems.push(`${label}: spot capacity needs the taint ${toleration.key}=${toleration.value}:${toleration.effect} the chart tolerates`);
    }
    if (pool?.template?.spec?.nodeClassRef?.name !== 'default' || pool?.template?.spec?.nodeClassRef?.kind !== 'EC2NodeClass') problems.push(`${label}: nodeClassRef must be the EC2NodeClass default`);
    const family = reqs(pool).find((r) => r.key === 'karpenter.k8s.aws/instance-family');
    if (!family || family.operator !== 'In') problems.push(`${label}: needs a karpenter.k8s.aws/instance-family In requirement (the SCP denies other families)`);
    else if (Array.isArray(family.values)) {
      const outside = family.values.filter((f) => !scpFamilies.includes(f));
      if (outside.length) problems.push(`${label}: instance families ${outside.join(', ')} are not approved by the organization SCP`);
    } else if (family.values !== '${var.karpenter_capacity.instance_families}') problems.push(`${label}: instance families must be var.karpenter_capacity.instance_families (settings) or a literal list, found ${text(family.values)}`);
    const arch = reqs(pool).find((r) => r.key === 'kubernetes.io/arch');
    const archValues = Array.isArray(arch?.values) ? arch.values : text(resolve(addons, arch?.values));
    if (!arch || (Array.isArray(archValues) ? archValues.includes('arm64') : !archValues.includes('var.karpenter_capacity.graviton ?'))) problems.push(`${label}: kubernetes.io/arch may include arm64 only when the settings' graviton is on`);
    const d = pool?.disruption ?? {};
    if (d.consolidationPolicy !== 'WhenEmptyOrUnderutilized') problems.push(`${label}: disruption.consolidationPolicy must be WhenEmptyOrUnderutilized, found ${text(d.consolidationPolicy)}`);
    if (d.consolidateAfter === undefined || list(d.budgets).length === 0) problems.push(`${label}: disruption needs consolidateAfter and budgets`);
    if (pool?.limits?.cpu === undefined || pool?.limits?.memory === undefined) problems.push(`${label}: needs limits on cpu and memory`);
  }

  // The families come from the validated settings, and each environment's are approved by the SCP.
  const call = tree.get('modules/platform')?.modules.find((m) => m.name === 'cluster_addons')?.body;
  if (!text(call?.karpenter_capacity).includes('local.s.karpenter') || !text(call?.karpenter_capacity).includes('local.s.graviton')) problems.push('modules/platform: module.cluster_addons.karpenter_capacity must come from the settings (local.s.karpenter and local.s.graviton)');
  for (const config of each(tree, ['env'])) {
    const families = settingsOf(config)?.karpenter?.instance_families;
    if (!Array.isArray(families) || families.length === 0) { problems.push(`${config.dir}: module.settings.karpenter.instance_families must be a literal list`); continue; }
    const outside = families.filter((f) => !scpFamilies.includes(f));
    if (outside.length) problems.push(`${config.dir}: karpenter instance families ${outside.join(', ')} are not approved by the organization SCP (${scpFamilies.join(', ')})`);
  }
  return problems;
});

/** An SCP StringLike pattern ("m7g.*", "db.serverless") as a RegExp. */
const likePattern = (p) => new RegExp(`^${String(p).split('*').map((x) => x.replace(/[.?+^$()[\]{}|\\]/g, '\\$&')).join('.*')}$`);

// The organization's approved-sizes SCP (organization/scps.tf locals) is the one list of sizes: every environment's
// node groups, Aurora class and Redis node type must pass it, and the settings module's validations, which fail a
// plan before the API does, must name the same families.
rule('scp-approved-sizes', "every environment's node, database and cache sizes are approved by the organization SCP, and modules/settings validates the same families", (tree) => {
  const problems = [];
  const org = tree.get('organization');
  const lists = { instance_families: 'ec2:InstanceType', database_classes: 'rds:DatabaseClass', cache_node_types: 'elasticache:CacheNodeType' };
  for (const name of Object.keys(lists)) if (!Array.isArray(org?.locals[name]) || org.locals[name].length === 0) problems.push(`organization: needs local ${name}, a literal list`);
  if (problems.length) return problems;
  // The SCP uses those locals.
  const sizes = org.data.find((d) => d.type === 'aws_iam_policy_document' && d.name === 'approved_sizes');
  for (const [name, key] of Object.entries(lists)) {
    const used = blocks(sizes?.body, 'statement').some((st) => st.effect === 'Deny' && blocks(st, 'condition').some((c) => c.test === 'StringNotLike' && c.variable === key && c.values === `\${local.${name}}`));
    if (!used) problems.push(`organization: data.aws_iam_policy_document.approved_sizes must deny ${key} StringNotLike local.${name}`);
  }
  const approved = (name, value) => org.locals[name].some((p) => likePattern(p).test(String(value)));
  for (const config of each(tree, ['env'])) {
    const s = settingsOf(config) ?? {};
    for (const [group, g] of Object.entries(s.node_groups ?? {})) {
      if (!Array.isArray(g?.instance_types)) { problems.push(`${config.dir}: node_groups.${group}.instance_types must be a literal list`); continue; }
      for (const t of g.instance_types) if (!approved('instance_families', t)) problems.push(`${config.dir}: node_groups.${group} instance type ${t} is not approved by the organization SCP (${org.locals.instance_families.join(', ')})`);
    }
    if (!approved('database_classes', s.aurora?.instance_class)) problems.push(`${config.dir}: aurora.instance_class ${text(s.aurora?.instance_class)} is not approved by the organization SCP (${org.locals.database_classes.join(', ')})`);
    if (!approved('cache_node_types', s.redis?.node_type)) problems.push(`${config.dir}: redis.node_type ${text(s.redis?.node_type)} is not approved by the organization SCP (${org.locals.cache_node_types.join(', ')})`);
    for (const f of list(s.karpenter?.instance_families)) if (!approved('instance_families', `${f}.large`)) problems.push(`${config.dir}: karpenter instance family ${f} is not approved by the organization SCP`);
  }
  // modules/settings repeats the families in its validations; they must be the SCP's.
  const scpFamilies = org.locals.instance_families.map((f) => String(f).replace(/\.\*$/, '')).sort();
  const settings = tree.get('modules/settings');
  const nodeRegex = text(settings?.variables.node_groups?.validation).match(/\^\(([\w|]+)\)\\\\\\\\\./);
  const nodeFamilies = nodeRegex ? nodeRegex[1].split('|').sort() : null;
  if (text(nodeFamilies) !== text(scpFamilies)) problems.push(`modules/settings: the node_groups validation approves families ${text(nodeFamilies)}, the organization SCP ${text(scpFamilies)}`);
  const karpenterList = text(settings?.variables.karpenter?.validation).match(/contains\(\[([^\]]*)\], f\)/);
  const karpenterFamilies = karpenterList ? quoted(karpenterList[1]) : null;
  if (!karpenterFamilies || karpenterFamilies.length === 0) problems.push('modules/settings: the karpenter validation must list its families: contains([...], f)');
  else {
    const outside = karpenterFamilies.filter((f) => !scpFamilies.includes(f));
    if (outside.length) problems.push(`modules/settings: the karpenter validation approves ${outside.join(', ')}, which the organization SCP denies`);
  }
  return problems;
});

const COST_TAGS = ['Project', 'Environment', 'Owner', 'CostCenter'];
const ORG_UNITS = ['nonprod', 'prod']; // the workload units; every SCP is attached to every unit

/** Deny statements of a policy document (written or generated) with a condition on `variable` (RegExp). */
const denies = (doc, variable) => blocks(doc?.body, 'statement').filter((st) => st.effect === 'Deny' && blocks(st, 'condition').some((c) => variable.test(String(c.variable))));

// What the SCPs must hold, by key of local.service_control_policies: a check of the data.aws_iam_policy_document
// the entry's json comes from (the organization config is passed for its locals).
const SCP_GUARDRAILS = {
  'deny-root-user': ['no root user actions', (doc) => denies(doc, /^aws:PrincipalArn$/).some((st) => list(st.actions).includes('*') && blocks(st, 'condition').some((c) => list(c.values).includes('arn:aws:iam::*:root')))],
  'deny-other-regions': ['denied regions', (doc, org) => Array.isArray(org.locals.approved_regions) && org.locals.approved_regions.length > 0
    && denies(doc, /^aws:RequestedRegion$/).some((st) => blocks(st, 'condition').some((c) => c.test === 'StringNotEquals' && c.values === '${local.approved_regions}'))],
  'require-cost-tags': ['required tags', (doc, org) => COST_TAGS.every((t) => list(org.locals.required_tags).includes(t))
    && (doc?.body.dynamic?.statement ?? []).some((d) => d.for_each === '${local.required_tags}' && list(d.content).some((st) => st.effect === 'Deny' && list(st.actions).includes('ec2:RunInstances')))
    && (doc?.body.dynamic?.statement ?? []).some((d) => d.for_each === '${local.required_tags}' && list(d.content).some((st) => st.effect === 'Deny' && st.actions === '${local.tagged_creations}'))
    && denies(doc, /^aws:RequestTag\/\$\{statement\.value\}$/).every((st) => blocks(st, 'condition').some((c) => c.test === 'Null'))],
  'require-encryption': ['KMS encryption required', (doc) => ['ec2:Encrypted', 'rds:StorageEncrypted', 'elasticache:AtRestEncryptionEnabled', 'elasticache:TransitEncryptionEnabled', 'secretsmanager:KmsKeyId']
    .every((key) => denies(doc, new RegExp(`^${key}$`)).length > 0)],
  'approved-sizes': ['approved instance families', (doc) => ['ec2:InstanceType', 'rds:DatabaseClass', 'elasticache:CacheNodeType'].every((key) => denies(doc, new RegExp(`^${key}$`)).length > 0)],
  'no-public-s3': ['no public S3', (doc) => denies(doc, /^s3:x-amz-acl$/).some((st) => list(st.actions).includes('s3:PutBucketAcl') && list(st.actions).includes('s3:PutObjectAcl'))
    && blocks(doc?.body, 'statement').some((st) => st.effect === 'Deny' && list(st.actions).includes('s3:DeleteAccountPublicAccessBlock'))],
};

// The organization's guard rails are what limits the admin roles in the workload accounts: the SCPs must be there,
// hold what they are named for, and be attached to every unit; the roles the StackSet creates in every workload
// account (local.workload_roles_template) get broad managed policies only for bazaar-terraform.
rule('organization-guardrails', 'the organization attaches the required SCPs to every unit, and only bazaar-terraform gets a broad managed policy in the workload accounts', (tree) => {
  const problems = [];
  const org = tree.get('organization');
  if (!org) return ['organization is missing'];
  const scps = org.locals.service_control_policies;
  if (!scps || typeof scps !== 'object') return ['organization: needs local service_control_policies, a literal map of SCPs'];
  for (const [key, [what, holds]] of Object.entries(SCP_GUARDRAILS)) {
    const entry = scps[key];
    const name = String(entry?.json ?? '').match(/^\$\{data\.aws_iam_policy_document\.([\w-]+)\.json\}$/)?.[1];
    if (!entry) problems.push(`organization: service_control_policies lacks ${key} (${what})`);
    else if (!name) problems.push(`organization: service_control_policies.${key}.json must be a data.aws_iam_policy_document, found ${text(entry.json)}`);
    else if (!holds(org.data.find((d) => d.type === 'aws_iam_policy_document' && d.name === name), org)) problems.push(`organization: SCP ${key} (data.aws_iam_policy_document.${name}) does not enforce ${what}`);
  }
  // Every SCP is created and attached to every unit.
  const policy = resources(org, 'aws_organizations_policy').find((r) => r.body.for_each === '${local.service_control_policies}');
  if (!policy || policy.body.content !== '${each.value.json}' || policy.body.type !== 'SERVICE_CONTROL_POLICY') problems.push('organization: needs an aws_organizations_policy of type SERVICE_CONTROL_POLICY for_each local.service_control_policies, content each.value.json');
  const attachment = resources(org, 'aws_organizations_policy_attachment').find((r) => r.body.for_each === '${local.scp_attachments}');
  const pairs = String(org.locals.scp_attachments ?? '').replace(/\s+/g, ' ');
  if (!attachment || !refs(attachment.body.policy_id, 'aws_organizations_policy').includes(policy?.name ?? '?') || !String(attachment.body.target_id).startsWith('${aws_organizations_organizational_unit.this[')
    || !pairs.includes('for policy in keys(local.service_control_policies)') || !pairs.includes('for unit in keys(local.units)') || /\bif\b/.test(pairs)) {
    problems.push('organization: every SCP must be attached to every unit (aws_organizations_policy_attachment for_each local.scp_attachments, every policy x keys(local.units))');
  }
  for (const unit of ORG_UNITS) if (!(unit in (org.locals.units ?? {}))) problems.push(`organization: local.units lacks ${unit}`);
  // The workload roles the StackSet deploys.
  const template = org.locals.workload_roles_template;
  if (!resources(org, 'aws_cloudformation_stack_set').some((r) => r.body.template_body === '${jsonencode(local.workload_roles_template)}')) problems.push('organization: the workload roles StackSet must deploy jsonencode(local.workload_roles_template)');
  const roles = Object.entries(template?.Resources ?? {}).filter(([, r]) => r?.Type === 'AWS::IAM::Role');
  if (roles.length === 0) problems.push('organization: local.workload_roles_template has no AWS::IAM::Role');
  for (const [id, r] of roles) {
    const props = r.Properties ?? {};
    const label = `organization: workload role ${id} (${props.RoleName})`;
    for (const arn of list(props.ManagedPolicyArns)) {
      if (typeof arn !== 'string' || !arn.startsWith('arn:aws:iam::aws:policy/')) problems.push(`${label}: managed policy ${text(arn)} must be a literal AWS managed policy ARN`);
      else if (BROAD_MANAGED_POLICY.test(arn) && props.RoleName !== 'bazaar-terraform') problems.push(`${label}: ${arn} is only for bazaar-terraform`);
    }
    for (const p of list(props.Policies)) {
      for (const st of list(p?.PolicyDocument?.Statement)) {
        if (st?.Effect !== 'Allow') continue;
        const wild = list(st.Action).filter((a) => a === '*' || /^[\w-]+:\*$/.test(a));
        if (wild.length || st.NotAction !== undefined) problems.push(`${label}: inline policy ${p.PolicyName} allows ${wild.length ? wild.join(', ') : 'NotAction'}`);
      }
    }
  }
  return problems;
});

rule('monitoring-in-amp', 'every alert rule file of monitoring/rules is loaded into Amazon Managed Prometheus', (tree) => {
  const problems = [];
  const obs = tree.get('modules/observability');
  if (!obs) return ['modules/observability is missing'];
  const groups = resources(obs, 'aws_prometheus_rule_group_namespace');
  if (groups.length === 0) problems.push('modules/observability: needs aws_prometheus_rule_group_namespace for monitoring/rules');
  const dir = String(obs.locals.rules_dir ?? '').replace('${path.module}', path.join(infraRoot, obs.dir));
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.yml')) : [];
  if (files.length === 0) problems.push(`modules/observability: local.rules_dir (${obs.locals.rules_dir}) must be the repository's monitoring/rules, with .yml rule files`);
  if (!groups.some((g) => text(g.body.for_each).includes('local.rules_files')) || !text(obs.locals.rules_files).includes('fileset(local.rules_dir, \\"*.yml\\")')) {
    problems.push('modules/observability: the rule group namespaces must cover every file: for_each = fileset(local.rules_dir, "*.yml")');
  }
  if (resources(obs, 'aws_prometheus_alert_manager_definition').length === 0) problems.push('modules/observability: needs an aws_prometheus_alert_manager_definition, or firing alerts reach nobody');
  return problems;
});

rule('dashboards-in-grafana', 'every dashboard of monitoring/dashboards is loaded into Managed Grafana, with AMP as its default data source and a pinned grafana provider', (tree) => {
  const problems = [];
  const obs = tree.get('modules/observability');
  if (!obs) return ['modules/observability is missing'];
  const where = 'modules/observability';
  const dir = String(obs.locals.dashboards_dir ?? '').replace('${path.module}', path.join(infraRoot, obs.dir));
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
  if (files.length === 0) problems.push(`${where}: local.dashboards_dir (${obs.locals.dashboards_dir}) must be the repository's monitoring/dashboards, with .json dashboards`);
  const dashboards = resources(obs, 'grafana_dashboard');
  if (!dashboards.some((d) => text(d.body.for_each).includes('local.dashboard_files') && text(d.body.config_json).includes('local.dashboards_dir')) || !text(obs.locals.dashboard_files).includes('fileset(local.dashboards_dir, \\"*.json\\")')) {
    problems.push(`${where}: grafana_dashboard must load every file: for_each = fileset(local.dashboards_dir, "*.json"), config_json from that file`);
  }
  // The dashboards query through their ${datasource} variable of type prometheus, i.e. the default data source.
  const amp = resources(obs, 'grafana_data_source').filter((d) => d.body.type === 'prometheus' && refs(d.body.url, 'aws_prometheus_workspace').length > 0);
  if (amp.length === 0) problems.push(`${where}: needs a grafana_data_source of type prometheus whose url is the AMP workspace`);
  for (const d of amp) {
    if (d.body.is_default !== true) problems.push(`${at(obs, d)}: must be is_default = true (the dashboards' \${datasource} variable picks the default)`);
    if (!/sigV4Auth\s*=\s*true/.test(String(d.body.json_data_encoded))) problems.push(`${at(obs, d)}: AMP needs SigV4 (json_data_encoded sigV4Auth = true)`);
  }
  for (const file of files) {
    let uses = [];
    try { uses = [...JSON.stringify(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'))).matchAll(/"datasource":\{"type":"(\w+)"/g)].map((m) => m[1]); } catch { problems.push(`monitoring/dashboards/${file}: not JSON`); }
    const other = uses.filter((t) => t !== 'prometheus');
    if (other.length) problems.push(`monitoring/dashboards/${file}: queries data source type(s) ${[...new Set(other)].join(', ')}, which the workspace is not given`);
  }
  // The grafana provider is pinned wherever it is required, and the roots configure it from the workspace.
  for (const config of each(tree)) {
    for (const t of config.terraform) {
      const grafana = (Array.isArray(t.required_providers) ? t.required_providers : [t.required_providers]).map((rp) => rp?.grafana).find(Boolean);
      if (grafana && (grafana.source !== 'grafana/grafana' || !/^~>\s*\d+\.\d+$/.test(String(grafana.version ?? '')))) problems.push(`${config.dir}: required_providers grafana must be grafana/grafana pinned "~> X.Y", found ${text(grafana)}`);
    }
  }
  for (const config of each(tree, ['env'])) {
    const p = config.providers.find((x) => x.name === 'grafana');
    if (p?.body.url !== '${module.platform.grafana_connection.url}' || p?.body.auth !== '${module.platform.grafana_connection.token}') problems.push(`${config.dir}: provider grafana must use module.platform.grafana_connection url and token`);
  }
  return problems;
});

const ALWAYS_NONCOMPLIANT_IN_DEV = ['S3_DEFAULT_ENCRYPTION_KMS'];
const SETTINGS_SCOPED = { RDS_CLUSTER_MULTI_AZ_ENABLED: 'var.multi_az', RDS_CLUSTER_DELETION_PROTECTION_ENABLED: 'var.deletion_protection' };

rule('conformance-pack-scope', 'the Config conformance pack only holds rules the environment can pass (no permanent findings)', (tree) => {
  const problems = [];
  const sec = tree.get('modules/security');
  if (!sec) return ['modules/security is missing'];
  const rulesText = text(sec.locals.conformance_rules);
  if (!resources(sec, 'aws_config_conformance_pack').some((p) => text(p.body.template_body).includes('local.conformance_rules'))) {
    problems.push('modules/security: the conformance pack must be built from local.conformance_rules');
  }
  for (const r of ALWAYS_NONCOMPLIANT_IN_DEV) if (rulesText.includes(r)) problems.push(`modules/security: ${r} can never pass (the logs bucket must be SSE-S3 for ALB access logs)`);
  for (const [r, flag] of Object.entries(SETTINGS_SCOPED)) {
    if (!new RegExp(`${flag.replace('.', '\\.')} \\? \\[\\\\"${r}\\\\"\\]`).test(rulesText)) problems.push(`modules/security: ${r} must be included only when ${flag} (settings), e.g. ${flag} ? ["${r}"] : []`);
  }
  const call = tree.get('modules/platform')?.modules.find((m) => m.name === 'security')?.body;
  if (call?.multi_az !== '${local.s.multi_az}' || call?.deletion_protection !== '${local.s.deletion_protection}') problems.push('modules/platform: module.security must get multi_az and deletion_protection from the settings');
  return problems;
});

const CHART_SCHEMA = path.join(infraRoot, '..', 'deploy', 'helm', 'bazaar', 'values.schema.json');

/** Keys written in an HCL object expression that Terraform renders as a string ("{ mode = ..., cidrs = ... }"). */
const exprKeys = (expr) => [...String(expr).matchAll(/(?:^|[{,\s])([A-Za-z_][\w]*)\s*=(?![=>])/g)].map((m) => m[1]);

rule('helm-values-match-chart', 'helm_values holds exactly keys the chart schema accepts, and every required infra value', (tree) => {
  const problems = [];
  if (!fs.existsSync(CHART_SCHEMA)) return [`${CHART_SCHEMA} is missing`];
  const schema = JSON.parse(fs.readFileSync(CHART_SCHEMA, 'utf8'));
  const platform = tree.get('modules/platform');
  const value = platform?.outputs.helm_values?.value;
  if (!value || typeof value !== 'object') return ['modules/platform: output helm_values must be an object of chart keys'];
  // A local reference ("#/definitions/service") stands for the part of the schema it points to.
  const deref = (node) => {
    let n = node;
    while (n && typeof n.$ref === 'string' && n.$ref.startsWith('#/')) n = n.$ref.slice(2).split('/').reduce((o, k) => o?.[k], schema);
    return n;
  };
  const allowed = (raw) => {
    const node = deref(raw);
    if (!node) return null;
    if (node.properties) return node.properties;
    const child = node.additionalProperties && typeof node.additionalProperties === 'object' ? deref(node.additionalProperties) : null;
    return child?.properties ?? null;
  };
  const walk = (val, node, where) => {
    const props = allowed(node);
    if (val && typeof val === 'object' && !Array.isArray(val)) {
      for (const [k, v] of Object.entries(val)) {
        if (!props || !(k in props)) { problems.push(`modules/platform: helm_values.${where}${k} is not a key of the chart (values.schema.json)`); continue; }
        walk(v, props[k], `${where}${k}.`);
      }
    } else if (typeof val === 'string' && props && /[{]/.test(val.replace(/\$\{/g, ''))) {
      // An object built by an expression (for, conditional): check the keys it writes against the schema, or
      // for a map of objects (services) against any entry's schema.
      const entrySchemas = Object.values(props).map((p) => deref(p)?.properties ?? {});
      for (const k of exprKeys(val.replace(/^\$\{|\}$/g, ''))) {
        if (['for', 'in', 'if'].includes(k)) continue;
        if (!(k in props) && !entrySchemas.some((p) => k in p)) problems.push(`modules/platform: helm_values.${where}${k} (in an expression) is not a key of the chart`);
      }
    }
  };
  walk(value, schema, '');
  const need = ['environment', 'publicUrl', 'services', 'migrations', 'database', 'redis', 'media', 'externalSecrets', 'ingress'];
  for (const k of need) if (!(k in value)) problems.push(`modules/platform: helm_values needs ${k}`);
  if (!text(value.redis).includes('inCluster') || !text(value.redis).includes('local.redis_external')) problems.push('modules/platform: helm_values.redis.mode must follow the settings (inCluster without ElastiCache)');
  return problems;
});

const TERRAFORM_WORKFLOW = path.join(infraRoot, '..', '.github', 'workflows', 'terraform.yml');

// The workflow that plans and applies these roots: the Terraform they require, the role each job works as
// (var.terraform_role is ephemeral, so the apply sets it again), and a runner that reaches the private EKS endpoint
// (the Helm provider). `tree.workflowOverride` (yaml text) lets the violation tests plant a mistake.
rule('terraform-workflow', 'the terraform workflow runs the required Terraform, as the read-only role to plan and the admin role to apply, on self-hosted runners', (tree) => {
  const problems = [];
  const where = '.github/workflows/terraform.yml';
  let wf;
  try {
    wf = YAML.parse(tree.workflowOverride ?? fs.readFileSync(TERRAFORM_WORKFLOW, 'utf8'));
  } catch (error) {
    return [`${where}: ${error.message}`];
  }
  const required = [...each(tree)].flatMap((c) => c.terraform.map((t) => t.required_version)).find(Boolean);
  const minor = required?.match(/^~> (\d+\.\d+)\.\d+$/)?.[1];
  const jobs = wf?.jobs ?? {};
  for (const [name, job] of Object.entries(jobs)) {
    for (const step of job.steps ?? []) {
      if (!String(step.uses ?? '').startsWith('hashicorp/setup-terraform@')) continue;
      const v = String(step.with?.terraform_version ?? '');
      if (!minor || !new RegExp(`^${minor.replace('.', '\\.')}\\.\\d+$`).test(v)) problems.push(`${where}: job ${name} sets up Terraform "${v}", the roots require "${required}"`);
    }
  }
  const roleOf = (job) => [job?.env, ...(job?.steps ?? []).map((st) => st.env)].map((e) => e?.TF_VAR_terraform_role).find(Boolean);
  for (const [name, role] of [['plan', 'bazaar-terraform-readonly'], ['apply', 'bazaar-terraform']]) {
    const job = jobs[name];
    if (!job) { problems.push(`${where}: no ${name} job`); continue; }
    if (roleOf(job) !== role) problems.push(`${where}: the ${name} job must set TF_VAR_terraform_role=${role}, not ${roleOf(job)}`);
    if (!list(job['runs-on']).includes('self-hosted')) problems.push(`${where}: the ${name} job runs on ${JSON.stringify(job['runs-on'])}, which cannot reach the private EKS endpoint`);
  }
  const upload = (jobs.plan?.steps ?? []).find((st) => String(st.uses ?? '').startsWith('actions/upload-artifact@'));
  if (!(upload?.with?.['retention-days'] >= 7)) problems.push(`${where}: keep the saved plan as long as an approval may take (retention-days 7), not ${upload?.with?.['retention-days']}`);
  return problems;
});

const PLACEHOLDERS = path.join(infraRoot, '..', 'deploy', 'helm', 'bazaar', 'infra');
const ENVS = ['dev', 'staging', 'prod'];

/**
 * What helm_values writes, from the HCL: { paths: Set of dotted key paths down to the leaves, attributes: the ALB
 * attribute names of ingress.loadBalancerAttributes }. Objects built by expressions count: the services `for`
 * expression gives one key per service of modules/settings, a conditional of objects the keys of its branches.
 */
function helmValuesShape(value, services) {
  const paths = new Set();
  let attributes = null;
  const walk = (val, where) => {
    if (val && typeof val === 'object' && !Array.isArray(val)) {
      for (const [k, v] of Object.entries(val)) walk(v, [...where, k]);
      return;
    }
    const whole = typeof val === 'string' ? val.match(/^\$\{([\s\S]*)\}$/) : null;
    const inner = whole ? whole[1].trim() : '';
    const forMap = inner.match(/^\{\s*for\s+\w+\s+in\s+[\w.]+\s*:\s*\w+\s*=>\s*\{([\s\S]*)\}\s*\}$/);
    if (forMap) {
      for (const svc of services) for (const k of exprKeys(forMap[1])) paths.add([...where, svc, k].join('.'));
    } else if (/\?\s*\{/.test(inner)) {
      for (const k of new Set(exprKeys(inner))) paths.add([...where, k].join('.'));
    } else {
      paths.add(where.join('.'));
      if (where.join('.') === 'ingress.loadBalancerAttributes') {
        attributes = quoted(inner).map((q) => q.match(/^([\w.]+)=/)?.[1]).filter(Boolean);
      }
    }
  };
  walk(value, []);
  return { paths, attributes };
}

/** Dotted key paths of a values file, down to scalars and lists. */
function valuePaths(val, where = [], out = new Set()) {
  if (val && typeof val === 'object' && !Array.isArray(val)) for (const [k, v] of Object.entries(val)) valuePaths(v, [...where, k], out);
  else out.add(where.join('.'));
  return out;
}

const lbAttributes = (text) => Object.fromEntries(String(text ?? '').split(',').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));

// The committed deploy/helm/bazaar/infra/<env>.yaml stand in for `terraform output helm_values` until the first
// apply: same keys as the HCL declares, and infra's names for that environment (account, roles, buckets, secrets).
// `tree.placeholderOverrides` ({ env: yaml text }) lets the violation tests plant a mistake.
rule('helm-values-placeholders', "deploy/helm/bazaar/infra/<env>.yaml has helm_values' keys and infra's names for the environment", (tree) => {
  const problems = [];
  const value = tree.get('modules/platform')?.outputs.helm_values?.value;
  const services = tree.get('modules/settings')?.locals.services;
  if (!value || !Array.isArray(services)) return ['modules/platform output helm_values and modules/settings local services are needed'];
  const shape = helmValuesShape(value, services);
  if (!shape.attributes?.includes('deletion_protection.enabled') || !text(value.ingress?.loadBalancerAttributes).includes('deletion_protection.enabled=${local.s.deletion_protection}')) {
    problems.push('modules/platform: helm_values.ingress.loadBalancerAttributes must set deletion_protection.enabled=${local.s.deletion_protection}');
  }
  for (const env of ENVS) {
    const file = `deploy/helm/bazaar/infra/${env}.yaml`;
    const root = tree.get(`envs/${env}`);
    const settings = root?.modules.find((m) => m.name === 'settings')?.body;
    const account = root?.locals.account_id;
    if (!settings || !account) { problems.push(`envs/${env}: settings module or local account_id missing`); continue; }
    let placeholder;
    try {
      placeholder = YAML.parse(tree.placeholderOverrides?.[env] ?? fs.readFileSync(path.join(PLACEHOLDERS, `${env}.yaml`), 'utf8'));
    } catch (error) {
      problems.push(`${file}: ${error.message}`);
      continue;
    }
    const have = valuePaths(placeholder ?? {});
    for (const p of shape.paths) if (!have.has(p)) problems.push(`${file}: lacks ${p} (helm_values has it)`);
    for (const p of have) if (!shape.paths.has(p)) problems.push(`${file}: has ${p}, which helm_values does not`);
    const attrs = lbAttributes(placeholder?.ingress?.loadBalancerAttributes);
    if (shape.attributes && JSON.stringify(Object.keys(attrs)) !== JSON.stringify(shape.attributes)) {
      problems.push(`${file}: loadBalancerAttributes names ${Object.keys(attrs)}, helm_values writes ${shape.attributes}`);
    }
    // Names and values infra derives for this environment.
    const region = resolve(root, settings.region);
    const role = (name) => `arn:aws:iam::${account}:role/bazaar-${env}-${name}`;
    const expect = {
      environment: env,
      publicUrl: `https://${settings.domain_name}`,
      'ingress.host': settings.domain_name,
      'migrations.iamRoleArn': role('migrations'),
      'externalSecrets.iamRoleArn': role('external-secrets'),
      'externalSecrets.keyPrefix': `bazaar/${env}`,
      'externalSecrets.region': region,
      'media.s3Bucket': `bazaar-${env}-${account}-media`,
      'media.s3Region': region,
      'redis.mode': settings.redis?.mode,
      ...Object.fromEntries(services.map((svc) => [`services.${svc}.iamRoleArn`, role(svc)])),
    };
    const get = (p) => p.split('.').reduce((o, k) => (o == null ? undefined : o[k]), placeholder);
    for (const [p, want] of Object.entries(expect)) if (get(p) !== want) problems.push(`${file}: ${p} is ${JSON.stringify(get(p))}, infra writes ${JSON.stringify(want)}`);
    const arnIn = (service) => new RegExp(`^arn:aws:${service}:${region}:${account}:`);
    if (!/secret:rds!cluster-/.test(get('migrations.masterSecret') ?? '') || !arnIn('secretsmanager').test(get('migrations.masterSecret'))) problems.push(`${file}: migrations.masterSecret is not an RDS-managed secret of ${account} in ${region}`);
    if (!arnIn('acm').test(get('ingress.certificateArn') ?? '')) problems.push(`${file}: ingress.certificateArn is not a certificate of ${account} in ${region}`);
    if (!new RegExp(`^arn:aws:wafv2:${region}:${account}:regional/webacl/bazaar-${env}-`).test(get('ingress.wafAclArn') ?? '')) problems.push(`${file}: ingress.wafAclArn is not bazaar-${env}'s web ACL in ${account}`);
    if (attrs['deletion_protection.enabled'] !== String(settings.deletion_protection)) problems.push(`${file}: deletion_protection.enabled is ${attrs['deletion_protection.enabled']}, the settings say ${settings.deletion_protection}`);
    if (attrs['access_logs.s3.bucket'] !== `bazaar-${env}-${account}-logs`) problems.push(`${file}: ALB access logs go to ${attrs['access_logs.s3.bucket']}, not bazaar-${env}-${account}-logs`);
  }
  return problems;
});

// The services the cloud is built for are the platform's own list (scripts/services.sh, where a service joins with one
// line): each needs its settings, database and role (modules/settings) and its image repository (bootstrap).
rule('services-match-the-platform', 'the cloud is built for the services scripts/services.sh lists: settings and image repositories', (tree) => {
  const shell = fs.readFileSync(path.join(repoRoot, 'scripts/services.sh'), 'utf8');
  const platform = [...shell.matchAll(/^\s*"([a-z]+) \d+ /gm)].map((m) => m[1]).sort();
  const problems = platform.length ? [] : ['scripts/services.sh: no services found'];
  const compare = (where, names) => {
    const have = list(names).map(String).sort();
    const missing = platform.filter((s) => !have.includes(s));
    const extra = have.filter((s) => !platform.includes(s));
    if (missing.length) problems.push(`${where}: missing ${missing.join(', ')}`);
    if (extra.length) problems.push(`${where}: lists ${extra.join(', ')}, which scripts/services.sh does not`);
  };
  compare('modules/settings: local services', tree.get('modules/settings')?.locals.services);
  compare('bootstrap: local images (less edge and migrations)', list(tree.get('bootstrap')?.locals.images).filter((i) => i !== 'edge' && i !== 'migrations'));
  return problems;
});

/** Runs every rule; returns { ruleId: violations[] }. */
export function evaluate(tree) {
  return Object.fromEntries(rules.map((r) => [r.id, r.check(tree)]));
}
