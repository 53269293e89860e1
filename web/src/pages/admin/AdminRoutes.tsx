export default function AdminRoutes() {
  return <h1>Back office</h1>;
}
