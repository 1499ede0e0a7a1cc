// “quoted”
public class Notify
{
    var url = "https://graph.microsoft.com/v1.0/users/" + upn + "/sendMail";
}
