locals {
  name = "bazaar-${var.environment}"

  # The services that get a database, a secret, an IAM role and an ECR repository each.
  services = ["identity", "catalog", "cart", "ordering", "payments", "risk"]

  # Services that keep data in Redis, and which of the two Redis (ADR 0015) they read the AUTH token of: "state"
  # never evicts (carts, risk's velocity counters exist nowhere else), "cache" may (catalog's cache-aside pages). The
  # chart's services.<name>.redis says the same; deploy/checks/policy.test.mjs holds the two together.
  redis_clients = { catalog = "cache", cart = "state", risk = "state" }

  # Subnet plan of the /16, the same in every environment so runbooks read the same everywhere:
  #   private-app  /19 x3  10.x.0.0  - 10.x.95.255   (pods take one address each with the VPC CNI)
  #   public       /20 x3  10.x.96.0 - 10.x.143.255  (ALB, NAT gateways)
  #   private-data /22 x3  10.x.144.0 - 10.x.155.255 (Aurora, ElastiCache; no route to the internet)
  # The rest (10.x.156.0 - 10.x.255.255) is kept free for later tiers.
  zone_indexes = range(var.az_count)
  subnets = {
    private_app  = [for i in local.zone_indexes : cidrsubnet(var.vpc_cidr, 3, i)]
    public       = [for i in local.zone_indexes : cidrsubnet(var.vpc_cidr, 4, 6 + i)]
    private_data = [for i in local.zone_indexes : cidrsubnet(var.vpc_cidr, 6, 36 + i)]
  }

  # Graviton nodes run the arm64 AL2023 image; the system group stays on the default architecture of its types.
  node_ami_types = {
    for name, group in var.node_groups : name => (
      can(regex("^[a-z]+[0-9]+g\\.", group.instance_types[0])) ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD"
    )
  }
}
